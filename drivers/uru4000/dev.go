package uru4000

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

// DriverName is the name the driver registers under.
const DriverName = "uru4000"

// errHalted is the cause given to a capture that Halt stops.
var errHalted = errors.New("uru4000: halted")

// Dev is an opened U.are.U reader. Its methods are safe for concurrent use; one
// capture runs at a time.
type Dev struct {
	t       usb.Transport
	opts    Options
	desc    usb.DeviceDesc
	info    capture.Info
	metrics *metrics

	mu      sync.Mutex // held for the length of a capture or a halt
	powered bool       // powered up and not switched off since
	halted  bool       // Halt has powered the reader down
	frame   []byte     // frame buffer, FrameBufferSize bytes
	irq     *irqReader // the interrupt reader while powered
	pending []uint16   // events taken from irq during a frame, not yet awaited

	cancelMu sync.Mutex
	cancel   context.CancelCauseFunc // cancels the running capture, if any
	halting  bool                    // a Halt is waiting for the capture to stop
}

var _ capture.FingerScanner = (*Dev)(nil)

// Open checks that t is a supported reader, powers it up and reads its device info.
// The driver does not own t: closing it stays the caller's job, after Halt.
func Open(ctx context.Context, t usb.Transport, opts *Options) (*Dev, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	desc := t.Descriptor()
	if !slices.Contains(IDs, desc.ID) {
		return nil, fmt.Errorf("%w: %s is not a U.are.U 4000/4000B/4500", ErrUnsupported, desc)
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	d := &Dev{t: t, opts: o, desc: desc, metrics: m, frame: make([]byte, FrameBufferSize)}
	d.info = capture.Info{
		Kind:   capture.KindFinger,
		Driver: DriverName,
		Model:  modelName(desc.ID),
		Serial: desc.Serial,
		Path:   devicePath(desc),
	}
	if err := d.powerUp(ctx); err != nil {
		m.deviceError(errorKind(err))
		return nil, fmt.Errorf("uru4000: %s: power-up: %w", desc, err)
	}
	d.powered = true
	info, err := d.readInfo(ctx)
	if err != nil {
		d.stopIRQ()
		m.deviceError(errorKind(err))
		return nil, fmt.Errorf("uru4000: %s: device info: %w", desc, err)
	}
	d.info.Firmware = fmt.Sprintf("%02x%02x.%02x%02x", info[10], info[11], info[4], info[5])
	return d, nil
}

// modelName names the reader behind id.
func modelName(id usb.ID) string {
	switch id {
	case ID4500:
		return "U.are.U 4500"
	case ID4000B:
		return "U.are.U 4000B"
	}
	return "U.are.U 4000"
}

// devicePath is the Info path: the physical port if known, else bus/address.
func devicePath(d usb.DeviceDesc) string {
	if d.Port != "" {
		return d.Port
	}
	return fmt.Sprintf("%d/%d", d.Bus, d.Address)
}

// String names the reader for logs: "U.are.U 4500 (05ba:000a at 1/4)".
func (d *Dev) String() string { return fmt.Sprintf("%s (%s)", d.info.Model, d.desc) }

// Info describes the reader.
func (d *Dev) Info() capture.Info { return d.info }

// Halt stops a running capture, switches the reader off and puts it in low power.
// It is safe to call more than once; a reader that has gone away halts silently.
func (d *Dev) Halt() error {
	d.cancelMu.Lock()
	d.halting = true
	if d.cancel != nil {
		d.cancel(errHalted)
	}
	d.cancelMu.Unlock()
	defer func() {
		d.cancelMu.Lock()
		d.halting = false
		d.cancelMu.Unlock()
	}()

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.halted {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*d.opts.ControlTimeout)
	defer cancel()
	err := d.powerDown(ctx)
	d.stopIRQ()
	if errors.Is(err, usb.ErrNoDevice) {
		err = nil
	}
	if err != nil {
		d.metrics.deviceError(errorKind(err))
		return fmt.Errorf("uru4000: %s: halt: %w", d, err)
	}
	d.halted, d.powered = true, false
	return nil
}

// powerDown switches the mode off and sets the low-power bit.
func (d *Dev) powerDown(ctx context.Context) error {
	if err := d.setMode(ctx, ModeOff); err != nil {
		return err
	}
	v, err := d.readHWStat(ctx)
	if err != nil {
		return err
	}
	if v&HWStatLowPower != 0 {
		return nil
	}
	return d.writeReg(ctx, RegHWStat, v|HWStatLowPower)
}

// startCapture registers the cancel function of a new capture; it fails when a Halt
// is under way.
func (d *Dev) startCapture(cancel context.CancelCauseFunc) error {
	d.cancelMu.Lock()
	defer d.cancelMu.Unlock()
	if d.halting {
		return errHalted
	}
	d.cancel = cancel
	return nil
}

// endCapture forgets the running capture's cancel function.
func (d *Dev) endCapture() {
	d.cancelMu.Lock()
	d.cancel = nil
	d.cancelMu.Unlock()
}
