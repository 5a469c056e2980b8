package ptp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/devmetrics"
)

// CaptureStill triggers the shutter, waits for the camera to announce the new object,
// downloads it and deletes it from the card (unless KeepOnCard).
func (d *Dev) CaptureStill(ctx context.Context) (*capture.Still, error) {
	d.capture.Lock()
	defer d.capture.Unlock()
	start := time.Now()
	s, err := d.captureStill(ctx)
	d.opts.Metrics.Capture(string(capture.KindCamera), outcome(err), time.Since(start))
	return s, err
}

func outcome(err error) string {
	switch {
	case err == nil:
		return devmetrics.OutcomeOK
	case errors.Is(err, capture.ErrUnplugged):
		return devmetrics.OutcomeUnplugged
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return devmetrics.OutcomeCancelled
	}
	return devmetrics.OutcomeError
}

func (d *Dev) captureStill(ctx context.Context) (*capture.Still, error) {
	if !d.info.Supports(OpInitiateCapture) {
		// Later Canon EOS bodies shoot only through their own RemoteRelease operations
		// and report objects through EOS GetEvent, which this driver does not speak.
		return nil, fmt.Errorf("ptp: %s does not list InitiateCapture: %w", d.info.Model, capture.ErrNotSupported)
	}
	_, _, tid, err := d.do(ctx, OpInitiateCapture, []uint32{0, 0}, nil)
	if err != nil {
		return nil, err
	}
	handle, err := d.awaitObject(ctx, tid)
	if err != nil {
		return nil, err
	}
	_, data, _, err := d.do(ctx, OpGetObjectInfo, []uint32{handle}, nil)
	if err != nil {
		return nil, err
	}
	oi, err := ParseObjectInfo(data)
	if err != nil {
		return nil, fmt.Errorf("ptp: object %#x: %w", handle, err)
	}
	if oi.Format != FormatEXIFJPEG {
		return nil, fmt.Errorf("ptp: object %#x is format %#04x, not JPEG: set the camera to JPEG", handle, oi.Format)
	}
	_, img, _, err := d.do(ctx, OpGetObject, []uint32{handle}, nil)
	if err != nil {
		return nil, err
	}
	if oi.CompressedSize != 0 && oi.CompressedSize != 0xFFFFFFFF && int64(len(img)) != int64(oi.CompressedSize) {
		return nil, fmt.Errorf("ptp: object %#x: %w: %d bytes, ObjectInfo said %d", handle, ErrMalformed, len(img), oi.CompressedSize)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return nil, fmt.Errorf("ptp: object %#x is not a readable JPEG: %w", handle, err)
	}
	if !d.opts.KeepOnCard {
		if _, _, _, err := d.do(ctx, OpDeleteObject, []uint32{handle, 0}, nil); err != nil {
			// The photo is safe in memory; a full card shows up on the next capture.
			d.opts.Metrics.DeviceError("ptp", "delete")
		}
	}
	return &capture.Still{JPEG: img, Width: cfg.Width, Height: cfg.Height, Captured: d.opts.Now()}, nil
}

// awaitObject reads events until CaptureComplete for transaction tid and returns the
// handle of the last ObjectAdded before it. Events of other transactions (a capture
// abandoned earlier) are skipped.
func (d *Dev) awaitObject(ctx context.Context, tid uint32) (uint32, error) {
	ctx, cancel := context.WithTimeout(ctx, d.opts.CaptureTimeout)
	defer cancel()
	var handles []uint32
	for {
		ev, p, err := d.c.readEvent(ctx)
		if err != nil {
			return 0, d.c.fail(OpInitiateCapture, tid, "waiting for events", err)
		}
		switch EventCode(ev.Code) {
		case EventObjectAdded:
			if len(p) > 0 {
				handles = append(handles, p[0])
			}
		case EventCaptureComplete:
			if len(p) > 0 && p[0] != tid || len(p) == 0 && ev.TID != tid {
				handles = nil // the end of someone else's capture
				continue
			}
			if len(handles) == 0 {
				return 0, fmt.Errorf("ptp: %w: CaptureComplete without ObjectAdded", ErrProtocol)
			}
			return handles[len(handles)-1], nil
		}
	}
}
