package uru4000_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
	"github.com/enrolld/enrolld/drivers/usb"
)

// errorCount reads the device-error counter of kind.
func errorCount(t *testing.T, r *rig, kind string) float64 {
	return metricValue(t, r, "enrolld_finger_device_errors_total", "kind", kind)
}

// TestFaultsThatRetry: faults the driver rides out within one capture.
func TestFaultsThatRetry(t *testing.T) {
	tests := []struct {
		name   string
		arm    func(e *emu.Emulator)
		frames int
		kind   string
	}{
		{"scan failed event", func(e *emu.Emulator) { e.Inject(emu.FaultScanFailed) }, 2, "scan_failed"},
		{"short frame", func(e *emu.Emulator) { e.Inject(emu.FaultShortFrame) }, 2, "short_frame"},
		{"two short frames", func(e *emu.Emulator) {
			e.Inject(emu.FaultShortFrame)
			e.Inject(emu.FaultShortFrame)
		}, 3, "short_frame"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, emu.Options{}, fastOptions())
			tc.arm(r.e)
			img := testFinger(21)
			got := r.presentAndCapture(t, img)
			compareImages(t, got.Pix, img, emu.DefaultLayout, true)
			if st := r.e.Stats(); st.Frames != tc.frames {
				t.Errorf("%d frames read, want %d", st.Frames, tc.frames)
			}
			if n := errorCount(t, r, tc.kind); n != float64(tc.frames-1) {
				t.Errorf("%s errors counted %v, want %d", tc.kind, n, tc.frames-1)
			}
		})
	}
}

func TestTooManyShortFramesFail(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	for range 3 {
		r.e.Inject(emu.FaultShortFrame)
	}
	r.e.Present(testFinger(22))
	_, err := r.capture(testContext(t))
	if !errors.Is(err, uru4000.ErrCaptureFailed) || !errors.Is(err, uru4000.ErrShortFrame) {
		t.Fatalf("err = %v, want capture failed after short frames", err)
	}
	assertRecovers(t, r)
	if got := outcomes(t, r, "no_good_frame"); got != 1 {
		t.Errorf("no_good_frame outcomes = %v, want 1", got)
	}
}

// TestFaultsThatFail: transfer faults end the capture with a clear error and leave
// the reader able to capture again.
func TestFaultsThatFail(t *testing.T) {
	tests := []struct {
		name    string
		fault   emu.Fault
		ep      uint8
		want    []error
		kind    string
		replug  bool
		outcome string
	}{
		{"bulk stall", emu.FaultStall, uru4000.EndpointData, []error{usb.ErrStall}, "stall", false, "error"},
		{"interrupt stall", emu.FaultStall, uru4000.EndpointInterrupt, []error{usb.ErrStall}, "stall", false, "error"},
		{"control stall", emu.FaultStall, 0, []error{usb.ErrStall}, "stall", false, "error"},
		{"bulk timeout", emu.FaultTimeout, uru4000.EndpointData, []error{usb.ErrTimeout}, "timeout", false, "timeout"},
		{"control timeout", emu.FaultTimeout, 0, []error{usb.ErrTimeout}, "timeout", false, "timeout"},
		{"unplug mid-frame", emu.FaultUnplug, uru4000.EndpointData, []error{usb.ErrNoDevice, capture.ErrUnplugged}, "no_device", true, "unplugged"},
		{"unplug on interrupt", emu.FaultUnplug, uru4000.EndpointInterrupt, []error{usb.ErrNoDevice, capture.ErrUnplugged}, "no_device", true, "unplugged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := fastOptions()
			if tc.fault == emu.FaultTimeout {
				o = shortTimeouts()
			}
			r := newRig(t, emu.Options{}, o)
			if err := r.e.InjectOn(tc.fault, tc.ep); err != nil {
				t.Fatal(err)
			}
			r.e.Present(testFinger(23))
			_, err := r.capture(testContext(t))
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want it to wrap %v", err, w)
				}
			}
			if n := errorCount(t, r, tc.kind); n != 1 {
				t.Errorf("%s errors counted %v, want 1", tc.kind, n)
			}
			if got := outcomes(t, r, tc.outcome); got != 1 {
				t.Errorf("%s outcomes = %v, want 1", tc.outcome, got)
			}
			if tc.replug {
				r.e.Replug()
			}
			assertRecovers(t, r)
		})
	}
}

// assertRecovers checks that the next capture on the same Dev works.
func assertRecovers(t *testing.T, r *rig) {
	t.Helper()
	img := testFinger(99)
	got := r.presentAndCapture(t, img)
	compareImages(t, got.Pix, img, emu.DefaultLayout, true)
}

func TestPowerUpRetriesWithoutPowerOnInterrupt(t *testing.T) {
	e := newEmu(t, emu.Options{})
	e.Inject(emu.FaultNoPowerOn)
	o := fastOptions()
	d, err := uru4000.Open(testContext(t), e, &o)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if st := e.Stats(); st.PowerUps != 2 {
		t.Errorf("%d power-ups, want 2", st.PowerUps)
	}
	_ = d.Halt()
}

func TestPowerUpRetriesWhenInterruptTimesOut(t *testing.T) {
	e := newEmu(t, emu.Options{})
	if err := e.InjectOn(emu.FaultTimeout, uru4000.EndpointInterrupt); err != nil {
		t.Fatal(err)
	}
	o := fastOptions()
	if _, err := uru4000.Open(testContext(t), e, &o); err != nil {
		t.Fatalf("open: %v", err)
	}
	if st := e.Stats(); st.PowerUps != 2 {
		t.Errorf("%d power-ups, want 2", st.PowerUps)
	}
}

func TestPowerUpGivesUpAfterThreeAttempts(t *testing.T) {
	e := newEmu(t, emu.Options{})
	for range 3 {
		e.Inject(emu.FaultNoPowerOn)
	}
	o := fastOptions()
	_, err := uru4000.Open(testContext(t), e, &o)
	if !errors.Is(err, uru4000.ErrNoPowerOn) {
		t.Fatalf("err = %v, want ErrNoPowerOn", err)
	}
	if st := e.Stats(); st.PowerUps != 3 {
		t.Errorf("%d power-ups, want 3", st.PowerUps)
	}
}

func TestPowerReboot(t *testing.T) {
	e := newEmu(t, emu.Options{RebootReads: 4})
	e.NeedReboot()
	o := fastOptions()
	o.RebootPollInterval = time.Millisecond
	d, err := uru4000.Open(testContext(t), e, &o)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if st := e.Stats(); st.Reboots != 1 || st.PowerUps != 1 {
		t.Errorf("stats %+v, want 1 reboot and 1 power-up", st)
	}
	r := &rig{e: e, d: d}
	img := testFinger(31)
	compareImages(t, r.presentAndCapture(t, img).Pix, img, emu.DefaultLayout, true)
}

func TestPowerRebootThatNeverEnds(t *testing.T) {
	e := newEmu(t, emu.Options{RebootReads: 1000})
	e.NeedReboot()
	o := fastOptions()
	o.RebootPollInterval = time.Microsecond
	if _, err := uru4000.Open(testContext(t), e, &o); !errors.Is(err, uru4000.ErrPowerReboot) {
		t.Fatalf("err = %v, want ErrPowerReboot", err)
	}
}

func TestCancelWhileAwaitingFinger(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	ctx, cancel := context.WithCancel(testContext(t))
	_, err := r.d.CaptureFinger(ctx, func(step string) {
		if step == "place a finger on the scanner" {
			go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := outcomes(t, r, "cancelled"); got != 1 {
		t.Errorf("cancelled outcomes = %v, want 1", got)
	}
	assertRecovers(t, r)
}

func TestCancelDuringFrame(t *testing.T) {
	r := newRig(t, emu.Options{}, uru4000.Options{FrameTimeout: time.Minute})
	r.e.Inject(emu.FaultTimeout) // the frame never comes
	r.e.Present(testFinger(32))
	ctx, cancel := context.WithCancel(testContext(t))
	_, err := r.d.CaptureFinger(ctx, func(step string) {
		if step == "hold the finger still" {
			go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertRecovers(t, r)
}

func TestHaltStopsACapture(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	waiting := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := r.d.CaptureFinger(testContext(t), func(step string) {
			if step == "place a finger on the scanner" {
				close(waiting)
			}
		})
		done <- err
	}()
	<-waiting
	if _, err := r.d.CaptureFinger(testContext(t), nil); !errors.Is(err, capture.ErrBusy) {
		t.Errorf("second capture: err = %v, want ErrBusy", err)
	}
	if err := r.d.Halt(); err != nil {
		t.Fatalf("halt: %v", err)
	}
	if err := <-done; err == nil {
		t.Fatal("halted capture returned no error")
	}
	if err := r.d.Halt(); err != nil {
		t.Fatalf("second halt: %v", err)
	}
	assertRecovers(t, r)
}

func TestHaltOfAGoneReaderIsQuiet(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	_ = r.e.Close()
	if err := r.d.Halt(); err != nil {
		t.Fatalf("halt: %v", err)
	}
}

func TestCancelWhileAwaitingLiftKeepsTheImage(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	img := testFinger(33)
	r.e.Present(img) // and never lifted
	ctx, cancel := context.WithCancel(testContext(t))
	got, err := r.d.CaptureFinger(ctx, func(step string) {
		if step == "lift the finger" {
			go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		}
	})
	if err != nil {
		t.Fatalf("err = %v, want the image", err)
	}
	compareImages(t, got.Pix, img, emu.DefaultLayout, true)
	r.e.Lift()
	assertRecovers(t, r)
}

func TestCallerDeadlineWhileAwaitingFinger(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	ctx, cancel := context.WithTimeout(testContext(t), 30*time.Millisecond)
	defer cancel()
	_, err := r.d.CaptureFinger(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
	if got := outcomes(t, r, "cancelled"); got != 1 {
		t.Errorf("cancelled outcomes = %v, want 1", got)
	}
	if n := errorCount(t, r, "timeout"); n != 0 {
		t.Errorf("the caller's deadline counted as %v device timeouts", n)
	}
}

func TestCapturedImageCarriesTimeAndDevice(t *testing.T) {
	at := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	o := fastOptions()
	o.Now = func() time.Time { return at }
	r := newRig(t, emu.Options{}, o)
	got := r.presentAndCapture(t, testFinger(34))
	if !got.Captured.Equal(at) || got.Device != r.d.String() {
		t.Errorf("captured %v by %q", got.Captured, got.Device)
	}
}
