package uru4000

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

// CaptureFinger powers the reader up if needed, waits for a finger, captures and
// descrambles one frame, waits for the finger to be lifted and switches the reader
// off. A short frame, an impossible header or a "scan failed" event makes it read
// another frame, up to Options.CaptureAttempts. A stall, timeout or unplug returns an
// error wrapping the usb sentinel (an unplug also wraps capture.ErrUnplugged); the
// next call powers the reader up afresh. Cancelling ctx stops the capture cleanly
// and returns an error wrapping ctx's cause. Once the image is taken, a failure or
// cancellation while waiting for the lift does not lose it: the image is returned
// and the next call starts from power-up.
func (d *Dev) CaptureFinger(ctx context.Context, progress func(string)) (*capture.FingerImage, error) {
	if !d.mu.TryLock() {
		return nil, fmt.Errorf("uru4000: %s: %w", d, capture.ErrBusy)
	}
	defer d.mu.Unlock()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if err := d.startCapture(cancel); err != nil {
		return nil, fmt.Errorf("uru4000: %s: %w", d, err)
	}
	defer d.endCapture()
	if progress == nil {
		progress = func(string) {}
	}
	img, err := d.capture(ctx, progress)
	cancelled := ctx.Err() != nil
	if err != nil {
		d.recoverFrom(err)
		if !cancelled && !errors.Is(err, ErrCaptureFailed) && !errors.Is(err, ErrNoPowerOn) {
			d.metrics.deviceError(errorKind(err))
		}
		switch {
		case cancelled:
			err = fmt.Errorf("%w (%w)", context.Cause(ctx), err)
		case errors.Is(err, usb.ErrNoDevice):
			err = fmt.Errorf("%w: %w", capture.ErrUnplugged, err)
		}
		err = fmt.Errorf("uru4000: %s: %w", d, err)
	}
	d.metrics.captured(outcome(err, cancelled))
	return img, err
}

// capture runs one impression from power-up to power-off.
func (d *Dev) capture(ctx context.Context, progress func(string)) (*capture.FingerImage, error) {
	if !d.powered {
		if err := d.powerUp(ctx); err != nil {
			return nil, fmt.Errorf("power-up: %w", err)
		}
		d.powered = true
	}
	d.halted = false
	if err := d.setMode(ctx, ModeAwaitFingerOn); err != nil {
		return nil, err
	}
	progress("place a finger on the scanner")
	scanFailed, err := d.awaitEvent(ctx, EventFingerOn, 0)
	if err != nil {
		return nil, err
	}
	fingerOn := time.Now()
	progress("hold the finger still")
	raw, err := d.grab(ctx, scanFailed)
	if err != nil {
		return nil, err
	}
	img := &capture.FingerImage{
		GrayImage: capture.GrayImage{Width: Width, Height: Height, Pix: raw, DPI: DPI},
		Captured:  d.opts.Now(),
		Device:    d.String(),
	}
	d.metrics.duration.Observe(time.Since(fingerOn).Seconds())
	progress("lift the finger")
	d.finish(ctx)
	return img, nil
}

// finish waits for the finger to leave and switches the reader off. Failures are
// counted and leave the reader to be powered up by the next capture.
func (d *Dev) finish(ctx context.Context) {
	d.powered = false
	err := d.setMode(ctx, ModeAwaitFingerOff)
	if err == nil {
		_, err = d.awaitEvent(ctx, EventFingerOff, 0)
	}
	if err == nil {
		err = d.setMode(ctx, ModeOff)
		d.stopIRQ()
	}
	if err != nil {
		if ctx.Err() == nil {
			d.metrics.deviceError(errorKind(err))
		}
		d.recoverFrom(err)
	}
}

// grab reads frames until one decodes, at most CaptureAttempts of them. Transfer
// errors end the capture; bad frames and announced scan failures are retried.
func (d *Dev) grab(ctx context.Context, scanFailed bool) ([]byte, error) {
	var last error
	for attempt := range d.opts.CaptureAttempts {
		buf, err := d.readFrame(ctx, attempt == 0)
		if err != nil {
			return nil, err
		}
		scanFailed = d.pollScanFailed() || scanFailed
		raw, err := d.decode(ctx, buf, scanFailed)
		if err == nil {
			return raw, nil
		}
		if !errors.Is(err, ErrShortFrame) && !errors.Is(err, ErrBadFrame) && !errors.Is(err, ErrScanFailed) {
			return nil, err
		}
		d.metrics.deviceError(errorKind(err))
		last, scanFailed = err, false
	}
	return nil, fmt.Errorf("%w after %d frames: %w", ErrCaptureFailed, d.opts.CaptureAttempts, last)
}

// decode turns a received frame into the finished image, exchanging keys with the
// reader when the frame is scrambled.
func (d *Dev) decode(ctx context.Context, buf []byte, scanFailed bool) ([]byte, error) {
	if scanFailed {
		return nil, fmt.Errorf("%w: the reader sent event %#04x before this frame", ErrScanFailed, EventScanFailed)
	}
	f, err := ParseFrame(buf)
	if err != nil {
		return nil, err
	}
	if f.LooksScrambled() {
		rekey := func(n byte) (uint32, error) { return d.exchangeKey(ctx, n) }
		key, err := rekey(f.KeyNumber)
		if err != nil {
			return nil, err
		}
		if err := f.Descramble(key, rekey); err != nil {
			return nil, err
		}
	}
	raw := f.Assemble()
	Orient(raw)
	return raw, nil
}

// exchangeKey learns the device key for key number n: write n and a fresh seed to the
// scramble index, read the scramble key and XOR the seed back out.
func (d *Dev) exchangeKey(ctx context.Context, n byte) (uint32, error) {
	seed, err := d.opts.seed()
	if err != nil {
		return 0, err
	}
	var idx [5]byte
	idx[0] = n
	binary.LittleEndian.PutUint32(idx[1:], seed)
	if err := d.writeReg(ctx, RegScrambleIndex, idx[:]...); err != nil {
		return 0, err
	}
	var key [4]byte
	if err := d.readReg(ctx, RegScrambleKey, key[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(key[:]) ^ seed, nil
}

// recoverFrom leaves the reader able to capture again after err: a halted endpoint
// is cleared and the reader switched off, so that the next capture powers it up.
func (d *Dev) recoverFrom(err error) {
	d.powered = false
	defer d.stopIRQ()
	if errors.Is(err, usb.ErrNoDevice) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*d.opts.ControlTimeout)
	defer cancel()
	var ee *endpointError
	if errors.As(err, &ee) && errors.Is(err, usb.ErrStall) {
		_, _ = d.t.Control(ctx, usb.DirOut|usb.TypeStandard|usb.RecipEndpt,
			requestClearFeature, featureEndpointHalt, uint16(ee.ep), nil)
	}
	_ = d.setMode(ctx, ModeOff)
}

// Standard request to clear an endpoint's halt.
const (
	requestClearFeature = 0x01
	featureEndpointHalt = 0x00
)

// endpointError says which endpoint a failed transfer was on.
type endpointError struct {
	ep  uint8
	err error
}

func (e *endpointError) Error() string { return fmt.Sprintf("endpoint %#02x: %v", e.ep, e.err) }
func (e *endpointError) Unwrap() error { return e.err }

// outcome labels a capture's result for the metrics.
func outcome(err error, cancelled bool) string {
	switch {
	case err == nil:
		return "ok"
	case cancelled:
		return "cancelled"
	case errors.Is(err, usb.ErrNoDevice):
		return "unplugged"
	case errors.Is(err, ErrCaptureFailed):
		return "no_good_frame"
	case isTimeout(err):
		return "timeout"
	}
	return "error"
}
