package emu

import (
	"sync"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware/dfu"
)

// Fault is an injected failure.
type Fault int

// Faults.
const (
	NoFault     Fault = iota
	FaultWrite        // errWRITE reported after block k
	FaultVerify       // errVERIFY reported during manifestation
	FaultStall        // DNLOAD of block k stalls
	FaultPower        // power lost during DNLOAD of block k
)

// Device is the emulated DFU device. Its Bus enumerates and opens it.
type Device struct {
	mu         sync.Mutex
	cfg        Config
	dfuMode    bool
	present    bool
	generation int // bumps on every reset or power cycle; stale handles die
	address    int

	firmware []byte // installed image; nil when invalid
	pending  []byte // download in progress
	state    dfu.State
	status   dfu.StatusCode
	busyTill time.Time
	nextBlk  int
	upBlk    int

	fault      Fault
	faultBlock int

	// Stats for tests.
	EarlyPolls int // GETSTATUS calls that came before the announced poll timeout
	Downloads  int // completed downloads
}

// New creates a device in run-time mode running an emulated image of cfg.Version.
func New(cfg Config) *Device {
	cfg = cfg.withDefaults()
	return &Device{cfg: cfg, present: true, address: 10, state: dfu.AppIdle,
		firmware: Image(cfg.Version, 4096, uint64(cfg.Version))}
}

// InjectFault arms f at block k (for FaultVerify, k is ignored).
func (d *Device) InjectFault(f Fault, k int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fault, d.faultBlock = f, k
}

// PowerOn brings back a device that lost power: in DFU mode when its firmware is
// invalid, otherwise in run-time mode.
func (d *Device) PowerOn() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.present = true
	d.enumerate(d.firmware == nil)
}

// Firmware returns a copy of the installed image (nil if invalid).
func (d *Device) Firmware() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]byte(nil), d.firmware...)
}

// InDFUMode reports the current personality.
func (d *Device) InDFUMode() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dfuMode
}

// enumerate (re)starts the device in the given mode; d.mu held.
func (d *Device) enumerate(dfuMode bool) {
	d.generation++
	d.address++
	d.dfuMode = dfuMode
	d.pending, d.nextBlk, d.upBlk = nil, 0, 0
	d.status = dfu.OK
	d.state = dfu.AppIdle
	if dfuMode {
		d.state = dfu.Idle
	}
}

// reset is a USB reset; d.mu held.
func (d *Device) reset() {
	switch {
	case !d.dfuMode && d.state == dfu.AppDetach:
		d.enumerate(true)
	case d.dfuMode && d.firmware != nil:
		d.enumerate(false)
	default:
		d.enumerate(d.dfuMode)
	}
}

// descriptor describes the device as it enumerates now; d.mu held.
func (d *Device) descriptor() usb.DeviceDesc {
	id, proto, bcd := d.cfg.Runtime, dfu.ProtocolRuntime, uint16(0)
	if v, ok := imageVersion(d.firmware); ok {
		bcd = v
	}
	if d.dfuMode {
		id, proto = d.cfg.DFU, dfu.ProtocolDFU
	}
	return usb.DeviceDesc{
		Bus: 1, Address: d.address, Port: "1-9", ID: id, BcdDevice: bcd, BcdUSB: 0x0200,
		MaxPacket0: 64, Manufacturer: "enrolld", Product: "Emulated DFU device", Serial: d.cfg.Serial,
		Configs: []usb.ConfigDesc{{Value: 1, Interfaces: []usb.InterfaceDesc{{
			Class: dfu.Class, SubClass: dfu.SubClass, Protocol: proto, Extra: d.cfg.functional().Encode(),
		}}}},
	}
}

// configDescriptor is the raw configuration descriptor; d.mu held.
func (d *Device) configDescriptor() []byte {
	proto := dfu.ProtocolRuntime
	if d.dfuMode {
		proto = dfu.ProtocolDFU
	}
	fn := d.cfg.functional().Encode()
	total := 9 + 9 + len(fn)
	b := []byte{9, 2, byte(total), byte(total >> 8), 1, 1, 0, 0x80, 50}
	b = append(b, 9, 4, 0, 0, 0, dfu.Class, dfu.SubClass, proto, 0)
	return append(b, fn...)
}

// deviceDescriptor is the raw 18-byte device descriptor; d.mu held.
func (d *Device) deviceDescriptor() []byte {
	desc := d.descriptor()
	return []byte{18, 1, 0x00, 0x02, 0, 0, 0, 64,
		byte(desc.ID.Vendor), byte(desc.ID.Vendor >> 8), byte(desc.ID.Product), byte(desc.ID.Product >> 8),
		byte(desc.BcdDevice), byte(desc.BcdDevice >> 8), 1, 2, 3, 1}
}
