//go:build cgo

package libusb

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/gousb"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Available reports whether this build can talk to USB devices (it needs cgo).
const Available = true

// Bus is a libusb context: it enumerates and opens devices. Close it after every
// device it opened has been closed.
type Bus struct {
	opts Options

	mu     sync.Mutex
	ctx    *gousb.Context
	closed bool
}

var _ usb.Bus = (*Bus)(nil)

// Open initialises libusb. gousb panics when libusb_init fails (no usbfs, a
// sandbox); Open turns that into an error wrapping ErrInit.
func Open(opts *Options) (*Bus, error) {
	b := &Bus{}
	if opts != nil {
		b.opts = *opts
	}
	c, err := newContext(gousb.NewContext)
	if err != nil {
		return nil, err
	}
	b.ctx = c
	if b.opts.Debug > 0 {
		b.ctx.Debug(b.opts.Debug)
	}
	return b, nil
}

// newContext calls create (gousb.NewContext), turning its panic into an error.
func newContext(create func() *gousb.Context) (c *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("%w: %v", ErrInit, r)
		}
	}()
	return create(), nil
}

// Close releases libusb. It fails while devices opened through the bus are open.
func (b *Bus) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	if err := b.ctx.Close(); err != nil {
		return fmt.Errorf("libusb: %w", err)
	}
	b.closed = true
	return nil
}

// context returns the gousb context, or ErrClosed.
func (b *Bus) context() (*gousb.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	return b.ctx, nil
}

// Devices lists the devices present, without opening them.
func (b *Bus) Devices(ctx context.Context) ([]usb.DeviceDesc, error) {
	c, err := b.context()
	if err != nil {
		return nil, err
	}
	var out []usb.DeviceDesc
	_, err = c.OpenDevices(func(g *gousb.DeviceDesc) bool {
		out = append(out, b.describe(g))
		return false
	})
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("libusb: enumerating devices: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bus != out[j].Bus {
			return out[i].Bus < out[j].Bus
		}
		return out[i].Address < out[j].Address
	})
	return out, nil
}

// Open opens the device at d's bus and address; it fails with usb.ErrNoDevice if
// no device is there or another device (another id) has taken the address.
func (b *Bus) Open(ctx context.Context, d usb.DeviceDesc) (usb.Device, error) {
	c, err := b.context()
	if err != nil {
		return nil, err
	}
	var found *gousb.DeviceDesc
	devs, err := c.OpenDevices(func(g *gousb.DeviceDesc) bool {
		if found == nil && g.Bus == d.Bus && g.Address == d.Address && (d.ID == usb.ID{} || d.ID == gid(g)) {
			found = g
			return true
		}
		return false
	})
	if len(devs) == 0 {
		if err != nil && found != nil {
			return nil, wrap(ctx, d, "open", err)
		}
		return nil, fmt.Errorf("libusb: %s: %w", d, usb.ErrNoDevice)
	}
	for _, extra := range devs[1:] {
		extra.Close()
	}
	desc := b.describe(found)
	if desc.Manufacturer == "" && desc.Product == "" && desc.Serial == "" {
		readStrings(devs[0], &desc)
	}
	return newDevice(b, devs[0], desc), nil
}

// stringTimeout bounds each string descriptor read on Open.
const stringTimeout = 500 * time.Millisecond

// readStrings asks the device for its strings when sysfs did not have them (not
// Linux, or no sysfs), best effort: a device that does not answer keeps none.
func readStrings(g *gousb.Device, d *usb.DeviceDesc) {
	g.ControlTimeout = stringTimeout
	d.Manufacturer, _ = g.Manufacturer()
	d.Product, _ = g.Product()
	d.Serial, _ = g.SerialNumber()
}

func gid(g *gousb.DeviceDesc) usb.ID {
	return usb.ID{Vendor: uint16(g.Vendor), Product: uint16(g.Product)}
}

// describe converts gousb's description, then completes it from sysfs.
func (b *Bus) describe(g *gousb.DeviceDesc) usb.DeviceDesc {
	d := usb.DeviceDesc{
		Bus:        g.Bus,
		Address:    g.Address,
		Port:       portName(g.Bus, g.Path),
		ID:         gid(g),
		BcdDevice:  uint16(g.Device),
		BcdUSB:     uint16(g.Spec),
		Class:      uint8(g.Class),
		SubClass:   uint8(g.SubClass),
		Protocol:   uint8(g.Protocol),
		MaxPacket0: uint8(g.MaxControlPacketSize),
	}
	var nums []int
	for n := range g.Configs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		d.Configs = append(d.Configs, configDesc(g.Configs[n]))
	}
	fillFromSysfs(b.opts.sysfsRoot(), &d)
	return d
}

func configDesc(c gousb.ConfigDesc) usb.ConfigDesc {
	out := usb.ConfigDesc{Value: uint8(c.Number)}
	for _, in := range c.Interfaces {
		for _, alt := range in.AltSettings {
			id := usb.InterfaceDesc{Number: uint8(alt.Number), Alternate: uint8(alt.Alternate),
				Class: uint8(alt.Class), SubClass: uint8(alt.SubClass), Protocol: uint8(alt.Protocol)}
			var addrs []int
			for a := range alt.Endpoints {
				addrs = append(addrs, int(a))
			}
			sort.Ints(addrs)
			for _, a := range addrs {
				e := alt.Endpoints[gousb.EndpointAddress(a)]
				id.Endpoints = append(id.Endpoints, usb.EndpointDesc{Address: uint8(a),
					Attributes: uint8(e.TransferType) | uint8(e.IsoSyncType), MaxPacketSize: uint16(e.MaxPacketSize)})
			}
			out.Interfaces = append(out.Interfaces, id)
		}
	}
	return out
}
