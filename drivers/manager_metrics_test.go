package drivers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/capture"
)

// A device reporting a model string that is not UTF-8 (it comes from the device's own
// descriptors) must not make a scrape panic; the bad bytes show as U+FFFD.
func TestManagerMetricsDeviceStringNotUTF8(t *testing.T) {
	m, _, reg := newTestManager(t, nil)
	m.Apply(context.Background(), []Spec{{Name: "a", Driver: "fake", Emulate: true, Options: Options{"model": "A\xff\xfeB"}}})
	want := `
# HELP enrolld_device_info Always 1 for each loaded device; its labels name the device and its model and firmware (for fleet inventories and firmware planning).
# TYPE enrolld_device_info gauge
enrolld_device_info{device="a",driver="fake",firmware="",kind="finger",model="A` + "\uFFFD" + `B"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "enrolld_device_info"); err != nil {
		t.Error(err)
	}
}

func TestManagerMetrics(t *testing.T) {
	m, _, reg := newTestManager(t, nil)
	m.Apply(context.Background(), []Spec{
		{Name: "a", Driver: "fake", Emulate: true, Options: Options{"model": "A"}},
		{Name: "b", Driver: "fake", Emulate: true, Options: Options{"model": "broken"}},
		{Name: "pen", Driver: "isdv4", Emulate: true},
	})
	m.CountError("a", "capture")
	m.CountError("nosuch", "capture")
	want := `
# HELP enrolld_device_errors_total Device errors by kind, driver and operation (open: initialisation failed; others are counted by the code using the device).
# TYPE enrolld_device_errors_total counter
enrolld_device_errors_total{driver="fake",kind="finger",op="capture"} 1
enrolld_device_errors_total{driver="fake",kind="finger",op="open"} 1
enrolld_device_errors_total{driver="isdv4",kind="unknown",op="open"} 1
# HELP enrolld_device_info Always 1 for each loaded device; its labels name the device and its model and firmware (for fleet inventories and firmware planning).
# TYPE enrolld_device_info gauge
enrolld_device_info{device="a",driver="fake",firmware="",kind="finger",model="A"} 1
# HELP enrolld_device_up Whether every configured device of this kind and driver is loaded (1) or not (0).
# TYPE enrolld_device_up gauge
enrolld_device_up{driver="fake",kind="finger"} 0
enrolld_device_up{driver="isdv4",kind="unknown"} 0
# HELP enrolld_devices Number of configured devices in each state (pending, loaded, skipped, failed).
# TYPE enrolld_devices gauge
enrolld_devices{state="failed"} 2
enrolld_devices{state="loaded"} 1
enrolld_devices{state="pending"} 0
enrolld_devices{state="skipped"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	m.Apply(context.Background(), []Spec{{Name: "a", Driver: "fake", Emulate: true, Options: Options{"model": "A"}}})
	want = `
# HELP enrolld_device_up Whether every configured device of this kind and driver is loaded (1) or not (0).
# TYPE enrolld_device_up gauge
enrolld_device_up{driver="fake",kind="finger"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "enrolld_device_up"); err != nil {
		t.Errorf("after removing the broken device and the unknown driver: %v", err)
	}
}

// TestManagerDriverMetrics: a driver finds the manager's registerer in its open
// context and its metrics land on the daemon's registry.
func TestManagerDriverMetrics(t *testing.T) {
	r := &Registry{}
	r.Register(Driver{Name: "counting", Kind: capture.KindFinger,
		OpenSDK: func(ctx context.Context, opts Options) (capture.Device, error) {
			c := prometheus.NewCounter(prometheus.CounterOpts{Name: "enrolld_test_opens_total", Help: "Opens."})
			if reg := RegistererFrom(ctx); reg != nil {
				if err := reg.Register(c); err != nil {
					var are prometheus.AlreadyRegisteredError
					if !errors.As(err, &are) {
						return nil, err
					}
					c = are.ExistingCollector.(prometheus.Counter)
				}
			}
			c.Inc()
			return &fakeScanner{model: "c"}, nil
		}})
	reg := prometheus.NewPedanticRegistry()
	m, err := NewManager(ManagerOptions{Registry: r, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Apply(context.Background(), []Spec{{Name: "a", Driver: "counting"}, {Name: "b", Driver: "counting"}})
	want := "# HELP enrolld_test_opens_total Opens.\n# TYPE enrolld_test_opens_total counter\nenrolld_test_opens_total 2\n"
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "enrolld_test_opens_total"); err != nil {
		t.Error(err)
	}
	if RegistererFrom(context.Background()) != nil {
		t.Error("RegistererFrom found a registerer in a bare context")
	}
}
