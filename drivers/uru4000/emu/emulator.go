package emu

import (
	"fmt"
	"sync"
	"time"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/usb"
)

// DefaultLayout is the block layout of the emulator's frames: 290 lines of which one
// is not present (so a frame carries 289 lines, 111 040 bytes, as a real 4500 sends),
// with scrambled blocks, plain blocks that advance the key and plain blocks that keep
// it.
var DefaultLayout = []uru4000.Block{
	{Flags: uru4000.BlockScrambled, Lines: 64},
	{Flags: uru4000.BlockNotPresent, Lines: 1},
	{Flags: uru4000.BlockScrambled, Lines: 75},
	{Flags: 0, Lines: 50},
	{Flags: uru4000.BlockScrambled, Lines: 60},
	{Flags: uru4000.BlockNoKeyUpdate, Lines: 40},
}

// DefaultSecret is the key material of an emulator whose Options name none.
const DefaultSecret uint64 = 0x5eed_0f_da7a_4500

// Options configure an emulator. The zero value of each field means its default.
type Options struct {
	// Product is the USB product id: 0x000a (4500, default), 0x0008 or 0x0007.
	Product uint16
	// Serial is the serial number string. Default derived from Secret.
	Serial string
	// Secret is the material the reader's per-key-number keys derive from.
	// Default DefaultSecret, so recordings are reproducible.
	Secret uint64
	// Plain makes the reader send unscrambled data, as older firmware does.
	Plain bool
	// Layout is the block layout of every frame. Default DefaultLayout.
	Layout []uru4000.Block
	// KeyNumber is the key number of the first frame.
	KeyNumber byte
	// RebootReads is how many HWSTAT reads a power reboot takes. Default 3.
	RebootReads int
	// CaptureWait is how long a capture-mode write waits for the driver's bulk read
	// (which a driver must submit first) before counting it in
	// Stats.CaptureWithoutRead. Default 500 ms: generous, so that a correct driver on
	// a loaded machine is not blamed.
	CaptureWait time.Duration
	// Demo makes the emulator present generated fingerprints by itself.
	Demo bool
	// DemoDelay is how long after the driver starts awaiting a finger the demo
	// finger lands. Default 1.5 s.
	DemoDelay time.Duration
	// DemoHold is how long after the driver starts awaiting the lift the demo finger
	// is lifted. Default 0.5 s.
	DemoHold time.Duration
	// DemoSeed seeds the first generated fingerprint; each presentation adds one.
	DemoSeed uint64
}

// Stats count what happened on the emulated wire.
type Stats struct {
	Frames       int // frames sent on the bulk endpoint
	KeyExchanges int // reads of the scramble key register
	PowerUps     int // low power to powered transitions
	Reboots      int // power reboots
	// CaptureWithoutRead counts capture-mode writes that found no bulk read waiting:
	// a driver must submit the read first.
	CaptureWithoutRead int
	// FingerOn is when the host last read a finger-on report.
	FingerOn time.Time
}

// Emulator is an emulated reader. It implements usb.Device; all methods are safe for
// concurrent use.
type Emulator struct {
	opts Options
	desc usb.DeviceDesc

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced whenever the state changes
	hwstat      byte
	rebootReads int // HWSTAT reads left before a power reboot finishes; 0 none running
	mode        byte
	regs        [0x100]byte
	keyNumber   byte   // key number of the next frame
	idxNumber   byte   // key number last written to the scramble index
	idxSeed     uint32 // seed last written to the scramble index
	window      []byte // what the sensor sees, in the finished image's orientation
	finger      bool
	irq         []uint16
	bulkWaiting int // bulk reads waiting now
	bulkReads   int // bulk reads ever made
	halted      map[uint8]bool
	faults      []armed
	garbageNext bool // a 0x0800 event ruined the next frame
	unplugged   bool
	closed      bool
	stats       Stats
	demo        *time.Timer // the pending demo action, if any
	demoN       uint64
	transcript  []string
}

// transcriptLimit bounds the transcript of a long-running (demo) emulator.
const transcriptLimit = 4096

var _ usb.Device = (*Emulator)(nil)

// New returns an emulated reader, plugged in and powered.
func New(opts Options) (*Emulator, error) {
	if opts.Product == 0 {
		opts.Product = uru4000.ID4500.Product
	}
	id := usb.ID{Vendor: uru4000.ID4500.Vendor, Product: opts.Product}
	if id != uru4000.ID4500 && id != uru4000.ID4000B && id != uru4000.ID4000 {
		return nil, fmt.Errorf("emu: product id %04x is not a U.are.U (000a, 0008, 0007)", opts.Product)
	}
	if opts.Secret == 0 {
		opts.Secret = DefaultSecret
	}
	if opts.Layout == nil {
		opts.Layout = DefaultLayout
	}
	if err := checkLayout(opts.Layout); err != nil {
		return nil, err
	}
	if opts.RebootReads <= 0 {
		opts.RebootReads = 3
	}
	if opts.CaptureWait <= 0 {
		opts.CaptureWait = 500 * time.Millisecond
	}
	if opts.DemoDelay <= 0 {
		opts.DemoDelay = 1500 * time.Millisecond
	}
	if opts.DemoHold <= 0 {
		opts.DemoHold = 500 * time.Millisecond
	}
	if opts.Serial == "" {
		k := deviceKey(opts.Secret, 0xff)
		opts.Serial = fmt.Sprintf("{%08X-4500-4E4D-8055-%012X}", k, opts.Secret&0xffffffffffff)
	}
	e := &Emulator{opts: opts, changed: make(chan struct{})}
	e.desc = descriptor(id, opts.Serial)
	e.reset()
	e.window = blankWindow()
	return e, nil
}

// checkLayout validates a frame layout: at most 15 blocks of 1-255 lines covering
// exactly the 290 lines of an image, fewer than 290 of them present.
func checkLayout(l []uru4000.Block) error {
	if len(l) == 0 || len(l) > uru4000.MaxBlocks {
		return fmt.Errorf("emu: layout has %d blocks, want 1-%d", len(l), uru4000.MaxBlocks)
	}
	total, present := 0, 0
	for i, b := range l {
		if b.Lines < 1 || b.Lines > 255 {
			return fmt.Errorf("emu: layout block %d has %d lines, want 1-255", i, b.Lines)
		}
		total += b.Lines
		if b.Flags&uru4000.BlockNotPresent == 0 {
			present += b.Lines
		}
	}
	if total != uru4000.Height || present >= uru4000.Height {
		return fmt.Errorf("emu: layout covers %d lines with %d present, want %d with fewer present",
			total, present, uru4000.Height)
	}
	return nil
}

// reset puts the reader in its just-plugged-in state. Called with mu held.
func (e *Emulator) reset() {
	e.hwstat = uru4000.HWStatPowered
	e.rebootReads = 0
	e.mode = uru4000.ModeInit
	e.keyNumber = e.opts.KeyNumber
	e.irq = nil
	e.halted = map[uint8]bool{}
	e.faults = nil
	e.garbageNext = false
	e.regs = [0x100]byte{}
	e.stopTimers()
}

// descriptor describes the emulated reader as enumeration would.
func descriptor(id usb.ID, serial string) usb.DeviceDesc {
	product := map[uint16]string{
		0x000a: "U.are.U\u00ae 4500 Fingerprint Reader",
		0x0008: "U.are.U\u00ae 4000B Fingerprint Sensor",
		0x0007: "U.are.U\u00ae 4000 Fingerprint Sensor",
	}[id.Product]
	return usb.DeviceDesc{
		Bus: 1, Address: 4, Port: "emulated", ID: id,
		BcdDevice: 0x0104, BcdUSB: 0x0110, MaxPacket0: 8,
		Manufacturer: "DigitalPersona, Inc.", Product: product, Serial: serial,
		Configs: []usb.ConfigDesc{{Value: 1, Interfaces: []usb.InterfaceDesc{{
			Class: 0xff, SubClass: 0xff, Protocol: 0xff,
			Endpoints: []usb.EndpointDesc{
				{Address: uru4000.EndpointInterrupt, Attributes: 3, MaxPacketSize: 64, Interval: 1},
				{Address: uru4000.EndpointData, Attributes: 2, MaxPacketSize: 64},
			},
		}}}},
	}
}

// Descriptor returns the emulated reader's descriptor.
func (e *Emulator) Descriptor() usb.DeviceDesc { return e.desc }

// Close unplugs the reader for good: pending and later transfers fail with
// usb.ErrNoDevice.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	e.stopTimers()
	e.notify()
	return nil
}

// Stats returns the counters so far.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}

// Transcript returns the transfers the reader has seen, in the order it saw them, one
// line each: "read 07 = 01", "write 4e 20", "interrupt 0101", "bulk submit 111424"
// (a bulk read arriving), "bulk frame 111040" (a frame sent), "clear halt 82".
// Only the latest 4096 lines are kept.
func (e *Emulator) Transcript() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.transcript...)
}

// logf appends a transcript line. Called with mu held.
func (e *Emulator) logf(format string, args ...any) {
	if len(e.transcript) == transcriptLimit {
		e.transcript = append(e.transcript[:0], e.transcript[transcriptLimit/2:]...)
	}
	e.transcript = append(e.transcript, fmt.Sprintf(format, args...))
}

// notify wakes every waiting transfer. Called with mu held.
func (e *Emulator) notify() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// stopTimers cancels the pending demo action. Called with mu held.
func (e *Emulator) stopTimers() {
	if e.demo != nil {
		e.demo.Stop()
		e.demo = nil
	}
}

// gone reports the error for a reader that is unplugged or closed. Called with mu held.
func (e *Emulator) gone() error {
	if e.closed {
		return fmt.Errorf("emu: reader closed: %w", usb.ErrNoDevice)
	}
	if e.unplugged {
		return fmt.Errorf("emu: reader unplugged: %w", usb.ErrNoDevice)
	}
	return nil
}
