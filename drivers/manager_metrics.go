package drivers

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/capture"
)

// errorKey groups device errors for enrolld_device_errors_total.
type errorKey struct {
	kind   capture.Kind
	driver string
	op     string
}

var (
	deviceUpDesc = prometheus.NewDesc("enrolld_device_up",
		"Whether every configured device of this kind and driver is loaded (1) or not (0).",
		[]string{"kind", "driver"}, nil)
	devicesDesc = prometheus.NewDesc("enrolld_devices",
		"Number of configured devices in each state (pending, loaded, skipped, failed).",
		[]string{"state"}, nil)
	deviceInfoDesc = prometheus.NewDesc("enrolld_device_info",
		"Always 1 for each loaded device; its labels name the device and its model and firmware (for fleet inventories and firmware planning).",
		[]string{"device", "kind", "driver", "model", "firmware"}, nil)
	deviceErrorsDesc = prometheus.NewDesc("enrolld_device_errors_total",
		"Device errors by kind, driver and operation (open: initialisation failed; others are counted by the code using the device).",
		[]string{"kind", "driver", "op"}, nil)
)

// CountError counts one error of operation op ("capture", "liveview", …) on the
// device called name, for enrolld_device_errors_total. Unknown names are ignored.
func (m *Manager) CountError(name, op string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[name]; ok {
		m.errors[errorKey{kind: e.status.Kind, driver: e.spec.Driver, op: op}]++
	}
}

// Describe implements prometheus.Collector.
func (m *Manager) Describe(ch chan<- *prometheus.Desc) {
	ch <- deviceUpDesc
	ch <- devicesDesc
	ch <- deviceInfoDesc
	ch <- deviceErrorsDesc
}

// Collect implements prometheus.Collector: one enrolld_device_up series per kind and
// driver configured now, the count of devices per state, and the error counters
// (an "open" counter at zero for every configured driver, so rates start from zero).
func (m *Manager) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	type group struct {
		kind   capture.Kind
		driver string
	}
	up := map[group]bool{}
	states := map[State]int{StatePending: 0, StateLoaded: 0, StateSkipped: 0, StateFailed: 0}
	errs := map[errorKey]uint64{}
	for k, v := range m.errors {
		errs[k] = v
	}
	for _, name := range m.order {
		e := m.entries[name]
		g := group{e.status.Kind, e.spec.Driver}
		allUp, seen := up[g]
		up[g] = (allUp || !seen) && e.status.State == StateLoaded
		states[e.status.State]++
		if info := e.status.Info; info != nil && e.status.State == StateLoaded {
			// Model and firmware come from the device: MustNewConstMetric panics on
			// label values that are not UTF-8, so repair them first.
			ch <- prometheus.MustNewConstMetric(deviceInfoDesc, prometheus.GaugeValue, 1,
				e.spec.Name, string(g.kind), g.driver, validLabel(info.Model), validLabel(info.Firmware))
		}
		if k := (errorKey{kind: g.kind, driver: g.driver, op: "open"}); errs[k] == 0 {
			errs[k] = 0 // every configured driver has an open counter, from zero
		}
	}
	for g, ok := range up {
		v := 0.0
		if ok {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(deviceUpDesc, prometheus.GaugeValue, v, string(g.kind), g.driver)
	}
	for s, n := range states {
		ch <- prometheus.MustNewConstMetric(devicesDesc, prometheus.GaugeValue, float64(n), string(s))
	}
	for k, n := range errs {
		ch <- prometheus.MustNewConstMetric(deviceErrorsDesc, prometheus.CounterValue, float64(n),
			string(k.kind), k.driver, k.op)
	}
}

// validLabel returns s with any bytes that are not UTF-8 replaced by U+FFFD, as a
// Prometheus label value must be valid UTF-8.
func validLabel(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
