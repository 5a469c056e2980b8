package uru4000_test

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
)

// rig is a driver opened on an emulator, with its own metrics registry.
type rig struct {
	e   *emu.Emulator
	d   *uru4000.Dev
	reg *prometheus.Registry
}

// fastOptions are the options of most tests: a fixed seed, and timeouts long enough
// for a loaded machine (the power-on wait keeps its real 300 ms: the interrupt
// reader is a goroutine of its own, and a shorter wait can expire before it runs).
// See shortTimeouts for tests in which a transfer is meant to time out.
func fastOptions() uru4000.Options {
	return uru4000.Options{
		SeedSource:     uru4000.FixedSeed(0x1234abcd),
		ControlTimeout: 2 * time.Second,
		FrameTimeout:   2 * time.Second,
	}
}

// shortTimeouts is fastOptions for tests in which a transfer is meant to time out.
func shortTimeouts() uru4000.Options {
	o := fastOptions()
	o.ControlTimeout, o.FrameTimeout = 100*time.Millisecond, 100*time.Millisecond
	return o
}

// newEmu makes an emulator or fails the test.
func newEmu(t testing.TB, o emu.Options) *emu.Emulator {
	t.Helper()
	e, err := emu.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// newRig opens the driver on a new emulator.
func newRig(t testing.TB, eo emu.Options, do uru4000.Options) *rig {
	t.Helper()
	r := &rig{e: newEmu(t, eo), reg: prometheus.NewRegistry()}
	do.Registerer = r.reg
	d, err := uru4000.Open(testContext(t), r.e, &do)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	r.d = d
	return r
}

// testContext ends with the test, or after 10 s.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// capture runs one capture, lifting the finger when the driver asks for it.
func (r *rig) capture(ctx context.Context) (*capture.FingerImage, error) {
	return r.d.CaptureFinger(ctx, func(step string) {
		if step == "lift the finger" {
			r.e.Lift()
		}
	})
}

// presentAndCapture lays img on the sensor and captures it.
func (r *rig) presentAndCapture(t testing.TB, img *image.Gray) *capture.FingerImage {
	t.Helper()
	r.e.Present(img)
	got, err := r.capture(testContext(t))
	if err != nil {
		t.Fatalf("capture: %v", err)
	}
	return got
}

// testFinger is a generated fingerprint that fits the window with white above and
// below, as a finger on the glass does.
func testFinger(seed uint64) *image.Gray {
	return emu.Fingerprint(uru4000.Width, uru4000.Height-8, seed)
}
