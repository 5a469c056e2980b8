package loopdev

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Sentinel errors of the driver.
var (
	// ErrNotLoopback means the transport's device is not a loopback device, or
	// runs firmware this driver does not know.
	ErrNotLoopback = errors.New("loopdev: not a loopback device")
	// ErrProtocol means the device answered something the protocol does not allow.
	ErrProtocol = errors.New("loopdev: protocol error")
)

// DefaultTimeout bounds each transfer when Opts.Timeout is zero.
const DefaultTimeout = time.Second

// Opts tune a Dev; nil means the defaults.
type Opts struct {
	// Timeout bounds each transfer; zero means DefaultTimeout.
	Timeout time.Duration
}

// Dev is a loopback device opened over a usb.Transport it does not own.
type Dev struct {
	t       usb.Transport
	opts    Opts
	version uint16
}

// New probes the device behind t: it must be 1209:0001 with firmware 1.x.
func New(ctx context.Context, t usb.Transport, opts *Opts) (*Dev, error) {
	d := &Dev{t: t}
	if opts != nil {
		d.opts = *opts
	}
	if d.opts.Timeout <= 0 {
		d.opts.Timeout = DefaultTimeout
	}
	desc := t.Descriptor()
	if desc.ID != ID {
		return nil, fmt.Errorf("%w: %s has id %s, want %s", ErrNotLoopback, desc, desc.ID, ID)
	}
	v, err := d.Register(ctx, RegVersion)
	if err != nil {
		return nil, fmt.Errorf("loopdev: %s: reading the firmware version: %w", desc, err)
	}
	if v>>8 != 1 {
		return nil, fmt.Errorf("%w: %s runs firmware %x.%02x, want 1.x", ErrNotLoopback, desc, v>>8, v&0xff)
	}
	d.version = v
	return d, nil
}

// String names the device: "loopdev 1209:0001 at 1/5, firmware 1.02".
func (d *Dev) String() string {
	return fmt.Sprintf("loopdev %s, firmware %x.%02x", d.t.Descriptor(), d.version>>8, d.version&0xff)
}

// Halt returns the device to plain echo mode.
func (d *Dev) Halt() error {
	ctx, cancel := context.WithTimeout(context.Background(), d.opts.Timeout)
	defer cancel()
	return d.SetMode(ctx, ModeEcho)
}

// Register reads register reg.
func (d *Dev) Register(ctx context.Context, reg uint16) (uint16, error) {
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	buf := make([]byte, 2)
	n, err := d.t.Control(ctx, usb.DirIn|usb.TypeVendor|usb.RecipDevice, ReqGetRegister, reg, 0, buf)
	if err != nil {
		return 0, fmt.Errorf("loopdev: get register %#x: %w", reg, err)
	}
	if n != 2 {
		return 0, fmt.Errorf("%w: register %#x answered %d bytes, want 2", ErrProtocol, reg, n)
	}
	return binary.LittleEndian.Uint16(buf), nil
}

// SetRegister writes v to register reg.
func (d *Dev) SetRegister(ctx context.Context, reg, v uint16) error {
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	buf := binary.LittleEndian.AppendUint16(nil, v)
	if _, err := d.t.Control(ctx, usb.DirOut|usb.TypeVendor|usb.RecipDevice, ReqSetRegister, reg, 0, buf); err != nil {
		return fmt.Errorf("loopdev: set register %#x: %w", reg, err)
	}
	return nil
}

// SetMode selects how the device transforms echoes (ModeEcho, ModeInvert, ModeReverse).
func (d *Dev) SetMode(ctx context.Context, mode uint16) error {
	return d.SetRegister(ctx, RegMode, mode)
}

// Count returns how many packets the device has echoed since power-up.
func (d *Dev) Count(ctx context.Context) (int, error) {
	v, err := d.Register(ctx, RegCount)
	return int(v), err
}
