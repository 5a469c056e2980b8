package emu

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/usb"
)

// Standard request to clear an endpoint's halt (bmRequestType 0x02, CLEAR_FEATURE,
// wValue ENDPOINT_HALT, wIndex endpoint).
const (
	reqTypeClearHalt = usb.DirOut | usb.TypeStandard | usb.RecipEndpt
	reqClearFeature  = 0x01
	featureHalt      = 0x00
)

// Control answers a control transfer: register reads and writes (vendor request 4)
// and CLEAR_FEATURE(ENDPOINT_HALT). Anything else stalls, as the reader does.
func (e *Emulator) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.faultBefore(ctx, 0); err != nil {
		return 0, err
	}
	switch {
	case rType == uru4000.RequestTypeRead && request == uru4000.RequestRegister:
		n := e.readRegs(value, data)
		e.logf("read %02x = %x", value, data[:n])
		return n, nil
	case rType == uru4000.RequestTypeWrite && request == uru4000.RequestRegister:
		n, err := e.writeRegs(ctx, value, data)
		if err == nil {
			e.logf("write %02x %x", value, data)
		}
		return n, err
	case rType == reqTypeClearHalt && request == reqClearFeature && value == featureHalt:
		delete(e.halted, uint8(index))
		e.logf("clear halt %02x", index)
		return 0, nil
	}
	return 0, fmt.Errorf("emu: control request type %#02x request %#02x: %w", rType, request, usb.ErrStall)
}

// Read answers a transfer on the interrupt endpoint (the next event report) or the
// bulk endpoint (a frame, once the reader is in capture mode).
func (e *Emulator) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch ep {
	case uru4000.EndpointInterrupt:
		return e.readInterrupt(ctx, buf)
	case uru4000.EndpointData:
		return e.readBulk(ctx, buf)
	}
	return 0, fmt.Errorf("emu: the reader has no IN endpoint %#02x: %w", ep, usb.ErrStall)
}

// Write fails: the reader has no OUT endpoints.
func (e *Emulator) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	return 0, fmt.Errorf("emu: the reader has no OUT endpoint %#02x: %w", ep, usb.ErrStall)
}

// faultBefore applies the faults armed for the next transfer on ep and reports
// whether the transfer fails. A timeout fault waits for ctx. Called with mu held.
func (e *Emulator) faultBefore(ctx context.Context, ep uint8) error {
	if err := e.gone(); err != nil {
		return err
	}
	switch {
	case e.take(FaultStall, ep):
		if ep != 0 {
			e.halted[ep] = true
		}
		return fmt.Errorf("emu: endpoint %#02x stalled: %w", ep, usb.ErrStall)
	case e.take(FaultUnplug, ep):
		e.unplug()
		return e.gone()
	case e.take(FaultTimeout, ep):
		for {
			if err := e.wait(ctx); err != nil {
				return err
			}
			if err := e.gone(); err != nil {
				return err
			}
		}
	}
	return nil
}

// readInterrupt delivers the next queued event report. Called with mu held.
func (e *Emulator) readInterrupt(ctx context.Context, buf []byte) (int, error) {
	ep := uru4000.EndpointInterrupt
	if err := e.faultBefore(ctx, ep); err != nil {
		return 0, err
	}
	for {
		if err := e.usable(ep); err != nil {
			return 0, err
		}
		if len(e.irq) > 0 {
			ev := e.irq[0]
			e.irq = e.irq[1:]
			if ev == uru4000.EventFingerOn {
				e.stats.FingerOn = time.Now()
			}
			e.logf("interrupt %04x", ev)
			return deliver(buf, report(ev))
		}
		if err := e.wait(ctx); err != nil {
			e.logf("interrupt %s", endedBy(err))
			return 0, err
		}
	}
}

// readBulk delivers a frame once the reader is in capture mode. An armed unplug
// fault pulls the cable halfway through it. Called with mu held.
func (e *Emulator) readBulk(ctx context.Context, buf []byte) (int, error) {
	ep := uru4000.EndpointData
	unplug := e.take(FaultUnplug, ep)
	if err := e.faultBefore(ctx, ep); err != nil {
		return 0, err
	}
	e.bulkWaiting++
	e.bulkReads++
	e.logf("bulk submit %d", len(buf))
	e.notify()
	defer func() { e.bulkWaiting-- }()
	for {
		if err := e.usable(ep); err != nil {
			return 0, err
		}
		if e.mode == uru4000.ModeCapture && e.powered() {
			f := e.frame()
			if unplug {
				n := copy(buf, f[:len(f)/2])
				e.unplug()
				return n, e.gone()
			}
			e.logf("bulk frame %d", len(f))
			return deliver(buf, f)
		}
		if err := e.wait(ctx); err != nil {
			return 0, err
		}
	}
}

// usable reports why ep cannot transfer now, if it cannot. Called with mu held.
func (e *Emulator) usable(ep uint8) error {
	if err := e.gone(); err != nil {
		return err
	}
	if e.halted[ep] {
		return fmt.Errorf("emu: endpoint %#02x halted: %w", ep, usb.ErrStall)
	}
	return nil
}

// wait releases mu until the state changes or ctx ends. Called with mu held.
func (e *Emulator) wait(ctx context.Context) error {
	ch := e.changed
	e.mu.Unlock()
	defer e.mu.Lock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctxError(ctx)
	}
}

// endedBy names how a transfer that ctxError ended, ended.
func endedBy(err error) string {
	if errors.Is(err, usb.ErrTimeout) {
		return "timed out"
	}
	return "cancelled"
}

// ctxError maps the end of a transfer's context to the usb sentinel.
func ctxError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("emu: %w: %w", usb.ErrTimeout, ctx.Err())
	}
	return fmt.Errorf("emu: %w: %w", usb.ErrCancelled, context.Cause(ctx))
}

// deliver copies a packet into buf; a packet larger than buf overflows.
func deliver(buf, pkt []byte) (int, error) {
	n := copy(buf, pkt)
	if n < len(pkt) {
		return n, fmt.Errorf("emu: %d-byte transfer into a %d-byte buffer: %w", len(pkt), len(buf), usb.ErrOverflow)
	}
	return n, nil
}

// report builds the 64-byte interrupt report of event ev (big-endian in bytes 0-1).
func report(ev uint16) []byte {
	b := make([]byte, 64)
	b[0], b[1] = byte(ev>>8), byte(ev)
	return b
}
