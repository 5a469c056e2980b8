package emu

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/drivers"
)

func init() {
	drivers.RegisterEmulator(drivers.Emulator{Driver: "isdv4", Serial: startRegistered})
}

// startRegistered starts an emulator for the demo and the CLI. Options: "baud" (the
// sensor's rate, default 19200), "sign" (a delay such as "1s": each time sampling
// starts, the demo signature is drawn after it; "off" draws nothing; default "1s") and
// "speed" (the pen's speed in mm/s, default 80).
func startRegistered(ctx context.Context, opts drivers.Options) (string, io.Closer, error) {
	var o Options
	if s, ok := opts["baud"]; ok {
		b, err := strconv.Atoi(s)
		if err != nil || b <= 0 {
			return "", nil, fmt.Errorf("isdv4/emu: option baud=%q is not a baud rate", s)
		}
		o.BaudRate = b
	}
	if s, ok := opts["speed"]; ok {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			return "", nil, fmt.Errorf("isdv4/emu: option speed=%q is not a speed in mm/s", s)
		}
		o.Motion.Speed = v
	}
	delay := time.Second
	if s, ok := opts["sign"]; ok && s != "off" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return "", nil, fmt.Errorf("isdv4/emu: option sign=%q: %w", s, err)
		}
		delay = d
	}
	e, err := Start(&o)
	if err != nil {
		return "", nil, err
	}
	if opts["sign"] != "off" {
		go e.SignOnStart(delay)
	}
	return e.Path(), e, nil
}

// SignOnStart draws DemoSignature each time the driver starts sampling, after delay,
// until the emulator is closed. It is the emulated person at the pad in the demo.
func (e *Emulator) SignOnStart(delay time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-e.done
		cancel()
	}()
	for {
		if err := e.WaitSampling(ctx); err != nil {
			return
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return
		}
		if e.Draw(ctx, DemoSignature(Point{X: 60, Y: 50})) != nil {
			return
		}
		for e.Sampling() { // wait for this capture to end before the next signature
			select {
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
				return
			}
		}
	}
}
