package uru4000_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
)

// outcomes reads the capture counter of outcome.
func outcomes(t *testing.T, r *rig, outcome string) float64 {
	t.Helper()
	return metricValue(t, r, "enrolld_finger_captures_total", "outcome", outcome)
}

// metricValue reads the counter name whose label has value.
func metricValue(t *testing.T, r *rig, name, label, value string) float64 {
	t.Helper()
	mfs, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestMetrics(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	r.presentAndCapture(t, testFinger(41))
	r.e.Inject(emu.FaultStall)
	r.e.Present(testFinger(42))
	if _, err := r.capture(testContext(t)); err == nil {
		t.Fatal("stalled capture succeeded")
	}
	want := `
# HELP enrolld_finger_captures_total Finger captures by driver and outcome (ok, cancelled, unplugged, timeout, no_good_frame, error).
# TYPE enrolld_finger_captures_total counter
enrolld_finger_captures_total{driver="uru4000",outcome="error"} 1
enrolld_finger_captures_total{driver="uru4000",outcome="ok"} 1
# HELP enrolld_finger_device_errors_total Finger reader errors by driver and kind (stall, timeout, no_device, short_frame, scan_failed, no_power_on, ...).
# TYPE enrolld_finger_device_errors_total counter
enrolld_finger_device_errors_total{driver="uru4000",kind="stall"} 1
`
	if err := testutil.GatherAndCompare(r.reg, strings.NewReader(want),
		"enrolld_finger_captures_total", "enrolld_finger_device_errors_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(r.reg, "enrolld_finger_capture_duration_seconds"); n != 1 {
		t.Errorf("%d duration series, want 1", n)
	}
	lint, err := testutil.GatherAndLint(r.reg)
	if err != nil || len(lint) > 0 {
		t.Errorf("metric lint: %v %v", err, lint)
	}
}

func TestMetricsShareARegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	for range 2 {
		e := newEmu(t, emu.Options{})
		o := fastOptions()
		o.Registerer = reg
		if _, err := uru4000.Open(testContext(t), e, &o); err != nil {
			t.Fatalf("second reader on one registry: %v", err)
		}
	}
}
