package ptp

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
)

// evfParams are GetViewFinderData's parameters as EOS bodies expect them.
var evfParams = []uint32{0x00100000, 0, 0}

// LiveView streams Canon EOS viewfinder frames to out until ctx ends (it then returns
// ctx.Err()) or the camera fails. Cameras that do not list the EOS live-view operations
// give an error wrapping capture.ErrNotSupported.
func (d *Dev) LiveView(ctx context.Context, out chan<- capture.Frame) error {
	if err := d.StartLiveView(ctx); err != nil {
		return err
	}
	defer func() {
		off, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.opts.Timeout)
		defer cancel()
		d.StopLiveView(off)
	}()
	var seq uint64
	for {
		jpg, err := d.NextFrame(ctx)
		if err != nil {
			return err
		}
		seq++
		select {
		case out <- capture.Frame{JPEG: jpg, Seq: seq, Captured: d.opts.Now()}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// StartLiveView switches the viewfinder output to the PC. LiveView does this itself;
// StartLiveView, NextFrame and StopLiveView are for callers that pull frames one by one.
func (d *Dev) StartLiveView(ctx context.Context) error {
	if !d.info.Supports(OpCanonGetViewFinderData) || !d.info.Supports(OpCanonSetPropValueEx) {
		return fmt.Errorf("ptp: %s has no live view (no EOS GetViewFinderData): %w", d.info.Model, capture.ErrNotSupported)
	}
	return d.setEVFOutput(ctx, CanonEVFOutputPC)
}

// StopLiveView switches the viewfinder output off.
func (d *Dev) StopLiveView(ctx context.Context) error {
	d.opts.Metrics.LiveViewStopped("ptp")
	return d.setEVFOutput(ctx, CanonEVFOutputOff)
}

// NextFrame polls the viewfinder until a new frame is ready and returns its JPEG.
func (d *Dev) NextFrame(ctx context.Context) ([]byte, error) {
	for {
		jpg, err := d.viewfinderFrame(ctx)
		if err != nil || jpg != nil {
			if err == nil {
				d.opts.Metrics.LiveViewFrame("ptp", d.opts.Now())
			}
			return jpg, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(d.opts.FramePoll):
		}
	}
}

// viewfinderFrame fetches one frame, or nil when the camera has none ready.
func (d *Dev) viewfinderFrame(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, data, _, err := d.do(ctx, OpCanonGetViewFinderData, evfParams, nil)
	var oe *OpError
	if errors.As(err, &oe) && oe.Code == RespCanonNotReady {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	jpg, err := ParseEVFData(data)
	if err != nil {
		d.opts.Metrics.DeviceError("ptp", "malformed")
		return nil, fmt.Errorf("ptp: live view: %w", err)
	}
	return jpg, nil
}

// setEVFOutput sets the EOS viewfinder output property (0xD1B0) with
// SetDevicePropValueEx, whose data is {u32 size, u32 property, u32 value}.
func (d *Dev) setEVFOutput(ctx context.Context, v uint32) error {
	data := binary.LittleEndian.AppendUint32(nil, 12)
	data = binary.LittleEndian.AppendUint32(data, PropCanonEVFOutput)
	data = binary.LittleEndian.AppendUint32(data, v)
	_, _, _, err := d.do(ctx, OpCanonSetPropValueEx, nil, data)
	return err
}

// GetDevicePropValue reads a device property's raw value.
func (d *Dev) GetDevicePropValue(ctx context.Context, prop uint16) ([]byte, error) {
	_, data, _, err := d.do(ctx, OpGetDevicePropValue, []uint32{uint32(prop)}, nil)
	return data, err
}

// SetDevicePropValue writes a device property's raw value.
func (d *Dev) SetDevicePropValue(ctx context.Context, prop uint16, value []byte) error {
	_, _, _, err := d.do(ctx, OpSetDevicePropValue, []uint32{uint32(prop)}, value)
	return err
}
