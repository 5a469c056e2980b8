package isdv4

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/serial"
)

// Stream starts sampling and sends pen samples to out until ctx ends (it then returns
// ctx.Err()) or the line fails (an unplugged sensor gives an error wrapping
// capture.ErrUnplugged). It stops sampling before returning. Only one Stream runs at a
// time; a second gets capture.ErrBusy.
func (d *Dev) Stream(ctx context.Context, out chan<- capture.PenSample) error {
	if err := d.beginStream(); err != nil {
		return err
	}
	defer d.endStream()
	if err := d.port.SetReadTimeout(d.opts.PollInterval); err != nil {
		return d.lineError(err)
	}
	if err := d.command(CmdStart); err != nil {
		return d.lineError(err)
	}
	var sc Scanner
	defer func() {
		d.mu.Lock()
		d.stats = sc.Stats
		d.mu.Unlock()
		d.opts.Metrics.DeviceErrors("isdv4", "noise", sc.Stats.Dropped)
		d.opts.Metrics.DeviceErrors("isdv4", "truncated", sc.Stats.Truncated)
	}()
	buf := make([]byte, 256)
	var last time.Time // of the previous sample: times never go backwards
	for {
		if err := ctx.Err(); err != nil {
			d.command(CmdStop)
			return err
		}
		n, err := d.port.Read(buf)
		if err != nil && !errors.Is(err, serial.ErrTimeout) {
			return d.lineError(err)
		}
		sc.Feed(buf[:n])
		if err := d.emit(ctx, &sc, &last, out); err != nil {
			d.command(CmdStop)
			return err
		}
	}
}

// emit sends the pen samples completed by the last read. The sensor sends no time, so
// samples are stamped on arrival; when a read brings several (the host was slow), the
// earlier ones are dated back at the nominal sample interval, but never before the
// sample sent before them (*last).
func (d *Dev) emit(ctx context.Context, sc *Scanner, last *time.Time, out chan<- capture.PenSample) error {
	var batch []capture.PenSample
	for f, ok := sc.Next(); ok; f, ok = sc.Next() {
		if f.Kind == FramePen {
			batch = append(batch, d.sample(f.Pen))
		}
	}
	now := d.opts.Now()
	for i := range batch {
		t := now.Add(-time.Duration(len(batch)-1-i) * d.opts.SampleInterval)
		if t.Before(*last) {
			t = *last
		}
		batch[i].Time, *last = t, t
		select {
		case out <- batch[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (d *Dev) beginStream() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.halted:
		return fmt.Errorf("%s: %w", d, ErrHalted)
	case d.streaming:
		return fmt.Errorf("%s: %w", d, capture.ErrBusy)
	}
	d.streaming = true
	return nil
}

func (d *Dev) endStream() {
	d.mu.Lock()
	d.streaming = false
	d.mu.Unlock()
}

func (d *Dev) lineError(err error) error {
	if errors.Is(err, serial.ErrGone) || errors.Is(err, serial.ErrClosed) {
		d.opts.Metrics.DeviceError("isdv4", "unplugged")
		return fmt.Errorf("isdv4: %s: %w: %w", d.port, capture.ErrUnplugged, err)
	}
	d.opts.Metrics.DeviceError("isdv4", "line")
	return fmt.Errorf("isdv4: %s: %w", d.port, err)
}

// sample converts a pen packet to the capture package's sample.
func (d *Dev) sample(p PenPacket) capture.PenSample {
	return capture.PenSample{
		X: p.X, Y: p.Y,
		XMM:         float64(p.X) / PointsPerMM,
		YMM:         float64(p.Y) / PointsPerMM,
		Pressure:    p.Pressure,
		MaxPressure: d.caps.MaxPressure,
		Tip:         p.Tip,
		Proximity:   p.Proximity,
		Side1:       p.Side1,
		Side2:       p.Side2,
	}
}
