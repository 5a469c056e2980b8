package loopdev

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Emulator is the device in process: a usb.Device that answers as the firmware
// would. Its methods are safe for concurrent use, one goroutine per endpoint.
type Emulator struct {
	desc usb.DeviceDesc

	mu      sync.Mutex
	regs    [numRegs]uint16
	echoes  [][]byte // transformed packets waiting on EndpointIn
	events  [][]byte // events waiting on EndpointEvents
	seq     uint8
	stall   map[uint8]bool // endpoints (0 = control) that stall their next transfer
	gone    bool
	changed chan struct{} // closed and replaced when a queue grows or the device goes
}

var _ usb.Device = (*Emulator)(nil)

// NewEmulator powers up an emulated device.
func NewEmulator() *Emulator {
	e := &Emulator{desc: Descriptor(), stall: map[uint8]bool{}, changed: make(chan struct{})}
	e.regs[RegVersion] = Version
	return e
}

// Descriptor returns the device's descriptor.
func (e *Emulator) Descriptor() usb.DeviceDesc { return e.desc }

// Unplug makes every transfer, pending or future, fail with usb.ErrNoDevice.
func (e *Emulator) Unplug() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gone = true
	e.wake()
}

// StallNext makes the next transfer on ep (0 for control) answer STALL.
func (e *Emulator) StallNext(ep uint8) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stall[ep] = true
}

// Close unplugs the emulator.
func (e *Emulator) Close() error {
	e.Unplug()
	return nil
}

// wake tells waiting reads something changed; e.mu is held.
func (e *Emulator) wake() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// check fails a transfer on ep if the device is gone or a stall is due; e.mu is held.
func (e *Emulator) check(ep uint8) error {
	if e.gone {
		return fmt.Errorf("loopdev: emulator unplugged: %w", usb.ErrNoDevice)
	}
	if e.stall[ep] {
		delete(e.stall, ep)
		return fmt.Errorf("loopdev: endpoint %02x: injected stall: %w", ep, usb.ErrStall)
	}
	return nil
}

// Control answers GET_REGISTER and SET_REGISTER; anything else stalls.
func (e *Emulator) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.check(0); err != nil {
		return 0, err
	}
	const vendorDevice = usb.TypeVendor | usb.RecipDevice
	switch {
	case rType == usb.DirIn|vendorDevice && request == ReqGetRegister && value < numRegs && len(data) == 2:
		binary.LittleEndian.PutUint16(data, e.regs[value])
		return 2, nil
	case rType == usb.DirOut|vendorDevice && request == ReqSetRegister && len(data) == 2 &&
		(value == RegMode || value == RegScratch):
		v := binary.LittleEndian.Uint16(data)
		if value == RegMode && v > ModeReverse {
			break
		}
		e.regs[value] = v
		return 2, nil
	}
	return 0, fmt.Errorf("loopdev: request %02x %02x %04x not supported: %w", rType, request, value, usb.ErrStall)
}

// Write takes a packet on EndpointOut and queues its echo and an event.
func (e *Emulator) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.check(ep); err != nil {
		return 0, err
	}
	if ep != EndpointOut || len(data) > MaxPacket {
		return 0, fmt.Errorf("loopdev: write of %d bytes to endpoint %02x: %w", len(data), ep, usb.ErrStall)
	}
	e.echoes = append(e.echoes, transform(e.regs[RegMode], data))
	e.seq++
	e.regs[RegCount]++
	ev := make([]byte, EventSize)
	ev[0], ev[1] = EventEchoed, e.seq
	binary.LittleEndian.PutUint16(ev[2:], uint16(len(data)))
	e.events = append(e.events, ev)
	e.wake()
	return len(data), nil
}

func transform(mode uint16, data []byte) []byte {
	out := slices.Clone(data)
	switch mode {
	case ModeInvert:
		for i := range out {
			out[i] ^= 0xff
		}
	case ModeReverse:
		slices.Reverse(out)
	}
	return out
}

// Read returns the next echo (EndpointIn) or event (EndpointEvents), waiting for
// one until ctx ends.
func (e *Emulator) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		if err := e.check(ep); err != nil {
			return 0, err
		}
		var q *[][]byte
		switch ep {
		case EndpointIn:
			q = &e.echoes
		case EndpointEvents:
			q = &e.events
		default:
			return 0, fmt.Errorf("loopdev: read from endpoint %02x: %w", ep, usb.ErrStall)
		}
		if len(*q) > 0 {
			p := (*q)[0]
			*q = (*q)[1:]
			n := copy(buf, p)
			if n < len(p) {
				return n, fmt.Errorf("loopdev: %d-byte packet into %d-byte buffer: %w", len(p), len(buf), usb.ErrOverflow)
			}
			return n, nil
		}
		changed := e.changed
		e.mu.Unlock()
		select {
		case <-changed:
			e.mu.Lock()
		case <-ctx.Done():
			e.mu.Lock()
			return 0, ctxErr(ctx)
		}
	}
}

// ctxErr maps a finished context to the usb sentinels.
func ctxErr(ctx context.Context) error {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("loopdev: %w", usb.ErrTimeout)
	}
	return fmt.Errorf("loopdev: %w", usb.ErrCancelled)
}
