package devmetrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/drivers"
)

func TestMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m := New(reg)
	m.Capture("camera", OutcomeOK, 1500*time.Millisecond)
	m.Capture("signature", OutcomeUnusable, 3*time.Second)
	m.DeviceError("ptp", "busy")
	t0 := time.Unix(1000, 0)
	for i := 0; i < 31; i++ { // 30 fps for one second
		m.LiveViewFrame("ptp", t0.Add(time.Duration(i)*time.Second/30))
	}
	want := `
# HELP enrolld_captures_total Captures attempted, by device class (finger, camera, signature) and outcome.
# TYPE enrolld_captures_total counter
enrolld_captures_total{kind="camera",outcome="ok"} 1
enrolld_captures_total{kind="signature",outcome="unusable"} 1
# HELP enrolld_device_io_errors_total Errors on the link to a device (USB transfers, serial line) by driver and error: timeout, stall, busy, malformed, cancelled, unplugged, noise, truncated, no_answer, line.
# TYPE enrolld_device_io_errors_total counter
enrolld_device_io_errors_total{driver="ptp",error="busy"} 1
# HELP enrolld_liveview_frames_total Live-view frames received from cameras, by driver.
# TYPE enrolld_liveview_frames_total counter
enrolld_liveview_frames_total{driver="ptp"} 31
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "enrolld_captures_total", "enrolld_device_io_errors_total", "enrolld_liveview_frames_total"); err != nil {
		t.Error(err)
	}
	if fps := testutil.ToFloat64(m.rate.WithLabelValues("ptp")); fps < 29.9 || fps > 30.1 {
		t.Errorf("frame rate %v, want 30", fps)
	}
	m.LiveViewStopped("ptp")
	if fps := testutil.ToFloat64(m.rate.WithLabelValues("ptp")); fps != 0 {
		t.Errorf("rate after stop %v", fps)
	}
	if n := testutil.CollectAndCount(m, "enrolld_capture_duration_seconds"); n != 2 {
		t.Errorf("%d duration series", n)
	}
	var nilM *Metrics // drivers call a nil *Metrics freely
	nilM.Capture("camera", OutcomeOK, time.Second)
	nilM.LiveViewFrame("ptp", t0)
	nilM.DeviceError("ptp", "stall")
	nilM.LiveViewStopped("ptp")
}

// TestBesideManager registers the device metrics on the same registry as the driver
// manager's, as the daemon does: no name may clash.
func TestBesideManager(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	if _, err := drivers.NewManager(drivers.ManagerOptions{Registerer: reg}); err != nil {
		t.Fatal(err)
	}
	m := New(reg)
	m.DeviceError("ptp", "stall")
	m.Capture("camera", OutcomeOK, time.Second)
	if _, err := reg.Gather(); err != nil {
		t.Fatal(err)
	}
}
