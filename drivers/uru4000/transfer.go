package uru4000

import (
	"context"
	"errors"
	"fmt"

	"github.com/enrolld/enrolld/drivers/usb"
)

// readReg reads len(buf) bytes starting at register reg.
func (d *Dev) readReg(ctx context.Context, reg uint16, buf []byte) error {
	ctx, cancel := context.WithTimeout(ctx, d.opts.ControlTimeout)
	defer cancel()
	n, err := d.t.Control(ctx, RequestTypeRead, RequestRegister, reg, 0, buf)
	if err != nil {
		return fmt.Errorf("read register %#02x: %w", reg, err)
	}
	if n != len(buf) {
		return fmt.Errorf("read register %#02x: %w: %d of %d bytes", reg, ErrShortTransfer, n, len(buf))
	}
	return nil
}

// writeReg writes data starting at register reg.
func (d *Dev) writeReg(ctx context.Context, reg uint16, data ...byte) error {
	ctx, cancel := context.WithTimeout(ctx, d.opts.ControlTimeout)
	defer cancel()
	// The transport contract gives no byte count for OUT requests: a write that did
	// not fail went through whole.
	if _, err := d.t.Control(ctx, RequestTypeWrite, RequestRegister, reg, 0, data); err != nil {
		return fmt.Errorf("write register %#02x: %w", reg, err)
	}
	return nil
}

// readHWStat reads the hardware status register.
func (d *Dev) readHWStat(ctx context.Context) (byte, error) {
	var b [1]byte
	err := d.readReg(ctx, RegHWStat, b[:])
	return b[0], err
}

// setMode writes the mode register.
func (d *Dev) setMode(ctx context.Context, mode byte) error {
	return d.writeReg(ctx, RegMode, mode)
}

// readFrame reads one frame from the bulk endpoint into d.frame. With setMode it
// writes capture mode after the read has been submitted: the reader starts streaming
// as soon as the mode changes, so the transfer must already be waiting.
func (d *Dev) readFrame(ctx context.Context, setMode bool) ([]byte, error) {
	rctx, cancel := context.WithTimeout(ctx, d.opts.FrameTimeout)
	defer cancel()
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	submitted := make(chan struct{})
	go func() {
		close(submitted)
		n, err := d.t.Read(rctx, EndpointData, d.frame)
		done <- result{n, err}
	}()
	if setMode {
		<-submitted
		if err := d.setMode(ctx, ModeCapture); err != nil {
			cancel()
			<-done
			return nil, err
		}
	}
	r := <-done
	if r.err != nil {
		return nil, fmt.Errorf("read frame: %w", &endpointError{EndpointData, r.err})
	}
	return d.frame[:r.n], nil
}

// Error kinds counted by the device-error metric.
const (
	kindStall       = "stall"
	kindTimeout     = "timeout"
	kindNoDevice    = "no_device"
	kindOverflow    = "overflow"
	kindShortFrame  = "short_frame"
	kindBadFrame    = "bad_frame"
	kindScanFailed  = "scan_failed"
	kindNoPowerOn   = "no_power_on"
	kindPowerReboot = "power_reboot"
	kindOther       = "other"
)

// isTimeout reports whether err is a transfer deadline rather than a cancellation.
func isTimeout(err error) bool {
	return errors.Is(err, usb.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)
}

// errorKind classifies a transfer or frame error for the metrics.
func errorKind(err error) string {
	switch {
	case errors.Is(err, usb.ErrNoDevice):
		return kindNoDevice
	case errors.Is(err, usb.ErrStall):
		return kindStall
	case errors.Is(err, usb.ErrOverflow):
		return kindOverflow
	case errors.Is(err, ErrShortFrame):
		return kindShortFrame
	case errors.Is(err, ErrBadFrame):
		return kindBadFrame
	case errors.Is(err, ErrScanFailed):
		return kindScanFailed
	case errors.Is(err, ErrNoPowerOn):
		return kindNoPowerOn
	case errors.Is(err, ErrPowerReboot):
		return kindPowerReboot
	case isTimeout(err):
		return kindTimeout
	}
	return kindOther
}
