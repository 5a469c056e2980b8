package isdv4

import (
	"context"
	"errors"
	"fmt"

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
	}()
	buf := make([]byte, 256)
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
		now := d.opts.Now()
		for f, ok := sc.Next(); ok; f, ok = sc.Next() {
			if f.Kind != FramePen {
				continue
			}
			s := d.sample(f.Pen)
			s.Time = now
			select {
			case out <- s:
			case <-ctx.Done():
				d.command(CmdStop)
				return ctx.Err()
			}
		}
	}
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
		return fmt.Errorf("isdv4: %s: %w: %w", d.port, capture.ErrUnplugged, err)
	}
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
