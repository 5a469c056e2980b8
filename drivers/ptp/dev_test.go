package ptp_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/devmetrics"
	"github.com/enrolld/enrolld/drivers/ptp"
	"github.com/enrolld/enrolld/drivers/ptp/emu"
	"github.com/enrolld/enrolld/drivers/usb"
)

var fast = &ptp.Options{Timeout: 300 * time.Millisecond, BusyBackoff: time.Millisecond, CaptureTimeout: 2 * time.Second}

func open(t testing.TB, o *emu.Options) (*emu.Camera, *ptp.Dev) {
	t.Helper()
	cam := emu.New(o)
	t.Cleanup(func() { cam.Close() })
	d, err := ptp.New(context.Background(), cam, fast)
	if err != nil {
		t.Fatal(err)
	}
	return cam, d
}

func noViolations(t *testing.T, cam *emu.Camera) {
	t.Helper()
	if v := cam.Violations(); len(v) > 0 {
		t.Errorf("the camera saw protocol violations: %q", v)
	}
}

func TestCaptureStill(t *testing.T) {
	cam, d := open(t, &emu.Options{ShutterDelay: 10 * time.Millisecond})
	still, err := d.CaptureStill(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(still.JPEG))
	if err != nil || img.Bounds().Dx() != 960 || img.Bounds().Dy() != 1280 || still.Width != 960 || still.Height != 1280 {
		t.Fatalf("still %dx%d: %v", still.Width, still.Height, err)
	}
	if cam.Objects() != 0 {
		t.Errorf("%d objects left on the card after download", cam.Objects())
	}
	want := []string{
		"GetDeviceInfo tid=0 -> OK", "OpenSession tid=0 -> OK",
		"EOS SetRemoteMode tid=1 -> OK", "EOS SetEventMode tid=2 -> OK",
		"InitiateCapture tid=3 -> OK", "GetObjectInfo tid=4 -> OK", "GetObject tid=5 -> OK", "DeleteObject tid=6 -> OK",
	}
	if got := cam.Log(); !reflect.DeepEqual(got, want) {
		t.Errorf("transactions:\n%q\nwant\n%q", got, want)
	}
	info := d.Info()
	if info.Kind != capture.KindCamera || info.Model != "enrolld Virtual EOS" || info.Serial != "EMU0001" {
		t.Errorf("info %+v", info)
	}
	if err := d.Halt(); err != nil || d.Halt() != nil {
		t.Errorf("Halt: %v", err)
	}
	if _, err := d.CaptureStill(context.Background()); !errors.Is(err, ptp.ErrHalted) {
		t.Errorf("capture after Halt: %v", err)
	}
	noViolations(t, cam)
}

func TestLiveView(t *testing.T) {
	cam, d := open(t, &emu.Options{FrameRate: 200, FrameWidth: 160, FrameHeight: 120})
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan capture.Frame)
	errc := make(chan error, 1)
	go func() { errc <- d.LiveView(ctx, out) }()
	for i := uint64(1); i <= 5; i++ {
		f := <-out
		if f.Seq != i || f.Captured.IsZero() {
			t.Errorf("frame %d: seq %d", i, f.Seq)
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(f.JPEG)); err != nil || cfg.Width != 160 {
			t.Fatalf("frame %d: %v %+v", i, err, cfg)
		}
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("LiveView ended with %v", err)
	}
	// Still capture works after live view (the viewfinder was switched off).
	if _, err := d.CaptureStill(context.Background()); err != nil {
		t.Fatal(err)
	}
	noViolations(t, cam)
}

func TestNoLiveView(t *testing.T) {
	_, d := open(t, &emu.Options{NoLiveView: true})
	err := d.LiveView(context.Background(), make(chan capture.Frame))
	if !errors.Is(err, capture.ErrNotSupported) {
		t.Fatalf("LiveView on a camera without it: %v", err)
	}
	if _, err := d.CaptureStill(context.Background()); err != nil {
		t.Fatalf("still capture without live view: %v", err)
	}
}

func TestNoInitiateCapture(t *testing.T) {
	_, d := open(t, &emu.Options{NoInitiateCapture: true})
	if _, err := d.CaptureStill(context.Background()); !errors.Is(err, capture.ErrNotSupported) {
		t.Fatalf("still capture on a camera without InitiateCapture: %v", err)
	}
}

// TestDataPhaseFraming sends and reads back property values sized around the packet
// size, so data phases end with short packets, with zero-length packets, and span many
// packets, in both directions, at full-speed (64) and high-speed (512) packet sizes.
func TestDataPhaseFraming(t *testing.T) {
	for _, mps := range []int{64, 512} {
		cam, d := open(t, &emu.Options{MaxPacket: mps})
		for _, n := range []int{0, 1, mps - 12, mps - 11, 2*mps - 12, 3*mps - 13, 256<<10 - 12, 300000} {
			v := make([]byte, n)
			for i := range v {
				v[i] = byte(i * 7)
			}
			if err := d.SetDevicePropValue(context.Background(), 0xD001, v); err != nil {
				t.Fatalf("mps %d, %d bytes out: %v", mps, n, err)
			}
			got, err := d.GetDevicePropValue(context.Background(), 0xD001)
			if err != nil || !bytes.Equal(got, v) {
				t.Fatalf("mps %d, %d bytes back: %d bytes, %v", mps, n, len(got), err)
			}
		}
		noViolations(t, cam)
	}
}

func TestFaults(t *testing.T) {
	cases := []struct {
		fault emu.Fault
		want  error
	}{
		{emu.FaultBusy, nil}, // retried
		{emu.FaultStall, usb.ErrStall},
		{emu.FaultTimeout, usb.ErrTimeout},
		{emu.FaultMalformed, ptp.ErrMalformed},
		{emu.FaultLate, usb.ErrTimeout}, // and the late answer is skipped next time
	}
	for _, c := range cases {
		cam, d := open(t, &emu.Options{ShutterDelay: time.Millisecond, StillWidth: 64, StillHeight: 64})
		cam.Inject(c.fault)
		_, err := d.CaptureStill(context.Background())
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("fault %d: %v, want %v", c.fault, err, c.want)
		}
		// The session survives: the next capture works.
		if _, err := d.CaptureStill(context.Background()); err != nil {
			t.Errorf("fault %d: capture after recovery: %v (log %q)", c.fault, err, cam.Log())
		}
		noViolations(t, cam)
	}
}

func TestBusyForever(t *testing.T) {
	cam := emu.New(nil)
	defer cam.Close()
	d, err := ptp.New(context.Background(), cam, &ptp.Options{BusyRetries: 3, BusyBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		cam.Inject(emu.FaultBusy)
	}
	_, err = d.CaptureStill(context.Background())
	var oe *ptp.OpError
	if !errors.Is(err, ptp.ErrBusy) || !errors.As(err, &oe) || oe.Op != ptp.OpInitiateCapture {
		t.Fatalf("camera busy through all retries: %v", err)
	}
}

func TestUnplug(t *testing.T) {
	cam, d := open(t, &emu.Options{ShutterDelay: time.Hour})
	go func() {
		time.Sleep(20 * time.Millisecond)
		cam.Unplug()
	}()
	_, err := d.CaptureStill(context.Background())
	if !errors.Is(err, capture.ErrUnplugged) || !errors.Is(err, usb.ErrNoDevice) {
		t.Fatalf("unplug while waiting for the shutter: %v", err)
	}
	if err := d.Halt(); err != nil {
		t.Errorf("Halt after unplug: %v", err)
	}
}

func TestNoPTPInterface(t *testing.T) {
	cam := emu.New(nil)
	defer cam.Close()
	_, err := ptp.New(context.Background(), noIface{cam}, nil)
	if !errors.Is(err, ptp.ErrNoInterface) {
		t.Fatalf("device without a 6/1/1 interface: %v", err)
	}
}

type noIface struct{ *emu.Camera }

func (n noIface) Descriptor() usb.DeviceDesc {
	d := n.Camera.Descriptor()
	d.Configs = nil
	return d
}

func TestMetrics(t *testing.T) {
	m := devmetrics.New(nil)
	cam := emu.New(&emu.Options{FrameRate: -1, FrameWidth: 64, FrameHeight: 48, StillWidth: 64, StillHeight: 64, ShutterDelay: time.Millisecond})
	defer cam.Close()
	o := *fast
	o.Metrics = m
	d, err := ptp.New(context.Background(), cam, &o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d.CaptureStill(ctx)
	cam.Inject(emu.FaultMalformed)
	d.CaptureStill(ctx)
	d.StartLiveView(ctx)
	for i := 0; i < 4; i++ {
		d.NextFrame(ctx)
	}
	d.StopLiveView(ctx)
	want := `
# HELP enrolld_captures_total Captures attempted, by device class (finger, camera, signature) and outcome.
# TYPE enrolld_captures_total counter
enrolld_captures_total{kind="camera",outcome="error"} 1
enrolld_captures_total{kind="camera",outcome="ok"} 1
# HELP enrolld_device_io_errors_total Errors on the link to a device (USB transfers, serial line) by driver and error: timeout, stall, busy, malformed, cancelled, unplugged, noise, truncated, no_answer, line.
# TYPE enrolld_device_io_errors_total counter
enrolld_device_io_errors_total{driver="ptp",error="malformed"} 1
# HELP enrolld_liveview_frames_total Live-view frames received from cameras, by driver.
# TYPE enrolld_liveview_frames_total counter
enrolld_liveview_frames_total{driver="ptp"} 4
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "enrolld_captures_total", "enrolld_device_io_errors_total", "enrolld_liveview_frames_total"); err != nil {
		t.Error(err)
	}
}
