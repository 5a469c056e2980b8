//go:build cgo

package libusb

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/gousb"

	"github.com/enrolld/enrolld/drivers/usb"
)

// device is an opened USB device. Interfaces are claimed on first use of one of
// their endpoints and released on Close or Reset.
type device struct {
	bus  *Bus
	dev  *gousb.Device
	desc usb.DeviceDesc

	life     context.Context // cancelled by Close: ends pending transfers
	stop     context.CancelFunc
	inflight sync.WaitGroup
	ctrlMu   sync.Mutex // gousb's control timeout is a field: one control at a time

	mu     sync.Mutex
	cfg    *gousb.Config
	ifaces map[int]*gousb.Interface
	in     map[uint8]*gousb.InEndpoint
	out    map[uint8]*gousb.OutEndpoint
	dead   string // why the device can no longer be used, or ""
}

var (
	_ usb.Device   = (*device)(nil)
	_ usb.Resetter = (*device)(nil)
)

func newDevice(b *Bus, g *gousb.Device, desc usb.DeviceDesc) *device {
	// Detach kernel drivers when claiming; not every platform (or umockdev)
	// supports it, and claimInterface falls back to claiming without.
	g.SetAutoDetach(true)
	d := &device{bus: b, dev: g, desc: desc, ifaces: map[int]*gousb.Interface{},
		in: map[uint8]*gousb.InEndpoint{}, out: map[uint8]*gousb.OutEndpoint{}}
	d.life, d.stop = context.WithCancel(context.Background())
	return d
}

// String names the device: "05ba:000a at 1/4".
func (d *device) String() string { return d.desc.String() }

// Descriptor returns the device's description as enumerated.
func (d *device) Descriptor() usb.DeviceDesc { return d.desc }

// begin registers a transfer and returns a context that also ends when the device
// is closed; end must be called when the transfer is over.
func (d *device) begin(ctx context.Context) (context.Context, func(), error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dead != "" {
		return nil, nil, fmt.Errorf("libusb: %s: %s: %w", d, d.dead, usb.ErrNoDevice)
	}
	d.inflight.Add(1)
	tctx, cancel := context.WithCancel(ctx)
	unhook := context.AfterFunc(d.life, cancel)
	return tctx, func() { unhook(); cancel(); d.inflight.Done() }, nil
}

// fail wraps err, reporting usb.ErrNoDevice if the device was closed meanwhile.
func (d *device) fail(ctx context.Context, op string, err error) error {
	if err != nil && d.life.Err() != nil {
		return fmt.Errorf("libusb: %s: %s: device closed: %w", d, op, usb.ErrNoDevice)
	}
	return wrap(ctx, d.desc, op, err)
}

// Control performs a control transfer. libusb cannot cancel a synchronous control
// transfer, so the context's deadline (or Options.ControlTimeout) bounds it.
func (d *device) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	op := fmt.Sprintf("control %02x %02x %04x %04x", rType, request, value, index)
	tctx, end, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer end()
	timeout := d.bus.opts.controlTimeout()
	if dl, ok := tctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	if tctx.Err() != nil || timeout <= 0 {
		return 0, fmt.Errorf("libusb: %s: %s: %w", d, op, cancelled(tctx))
	}
	d.ctrlMu.Lock()
	defer d.ctrlMu.Unlock()
	d.dev.ControlTimeout = max(timeout, time.Millisecond) // 0 would mean "forever"
	n, err := d.dev.Control(rType, request, value, index, data)
	return max(n, 0), d.fail(tctx, op, err)
}

// Read performs a bulk or interrupt IN transfer on ep.
func (d *device) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	op := fmt.Sprintf("read %02x", ep)
	if ep&usb.DirIn == 0 {
		return 0, fmt.Errorf("libusb: %s: %s: not an IN endpoint", d, op)
	}
	tctx, end, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer end()
	in, err := d.inEndpoint(ep)
	if err != nil {
		return 0, d.fail(tctx, op, err)
	}
	n, err := in.ReadContext(tctx, buf)
	return n, d.fail(tctx, op, err)
}

// Write performs a bulk or interrupt OUT transfer on ep.
func (d *device) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	op := fmt.Sprintf("write %02x", ep)
	if ep&usb.DirIn != 0 {
		return 0, fmt.Errorf("libusb: %s: %s: not an OUT endpoint", d, op)
	}
	tctx, end, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer end()
	out, err := d.outEndpoint(ep)
	if err != nil {
		return 0, d.fail(tctx, op, err)
	}
	n, err := out.WriteContext(tctx, data)
	return n, d.fail(tctx, op, err)
}

// Reset issues a USB port reset. The device may come back as another device
// (DFU does this), so the transport is dead afterwards: enumerate and open again.
func (d *device) Reset(ctx context.Context) error {
	d.mu.Lock()
	if d.dead != "" {
		d.mu.Unlock()
		return fmt.Errorf("libusb: %s: %s: %w", d, d.dead, usb.ErrNoDevice)
	}
	d.dead = "reset"
	d.mu.Unlock()
	d.stop() // end pending transfers before releasing their interfaces
	d.inflight.Wait()
	d.mu.Lock()
	d.releaseLocked()
	d.mu.Unlock()
	return wrap(ctx, d.desc, "reset", d.dev.Reset())
}

// Close releases the device's interfaces and closes it; pending transfers end with
// usb.ErrNoDevice.
func (d *device) Close() error {
	d.mu.Lock()
	if d.dead == "closed" {
		d.mu.Unlock()
		return nil
	}
	d.dead = "closed"
	d.mu.Unlock()
	d.stop()
	d.inflight.Wait()
	d.mu.Lock()
	d.releaseLocked()
	d.mu.Unlock()
	if err := d.dev.Close(); err != nil {
		return fmt.Errorf("libusb: %s: close: %w", d, err)
	}
	return nil
}

// releaseLocked releases claimed interfaces and the configuration; d.mu is held.
func (d *device) releaseLocked() {
	for n, in := range d.ifaces {
		in.Close()
		delete(d.ifaces, n)
	}
	clear(d.in)
	clear(d.out)
	if d.cfg != nil {
		d.cfg.Close()
		d.cfg = nil
	}
}
