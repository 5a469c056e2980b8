// Package devmetrics holds the Prometheus metrics capture devices report: captures by
// device class and outcome, how long captures take, live-view frames and their rate,
// and errors on the link to the device by kind (enrolld_device_io_errors_total; the
// driver manager's enrolld_device_errors_total counts failed operations per device). The daemon makes one Metrics with its registry and hands
// it to every driver in the driver's options; a nil *Metrics records nothing, so
// drivers call it unconditionally. Labels carry device classes, driver names and error
// kinds only, never anything about a person.
package devmetrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Capture outcomes.
const (
	OutcomeOK        = "ok"
	OutcomeUnusable  = "unusable"  // captured, but failed a quality check
	OutcomeError     = "error"     // the device failed
	OutcomeCancelled = "cancelled" // the operator or a timeout ended it
	OutcomeUnplugged = "unplugged"
)

// Instrumented is implemented by devices that report into a Metrics once given one.
// Devices opened through the driver registry get their options as strings, so the
// daemon attaches metrics after opening, before first use:
//
//	if in, ok := dev.(devmetrics.Instrumented); ok {
//		in.SetMetrics(m)
//	}
type Instrumented interface {
	// SetMetrics makes the device report into m from now on.
	SetMetrics(m *Metrics)
}

// Metrics is the set of device metrics.
type Metrics struct {
	captures *prometheus.CounterVec
	duration *prometheus.HistogramVec
	frames   *prometheus.CounterVec
	rate     *prometheus.GaugeVec
	errors   *prometheus.CounterVec

	mu     sync.Mutex
	window map[string]*rateWindow
}

// New makes the metrics and registers them with reg (nil: not registered, still usable,
// for tests that read them back).
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		captures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "enrolld_captures_total",
			Help: "Captures attempted, by device class (finger, camera, signature) and outcome.",
		}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "enrolld_capture_duration_seconds",
			Help:    "Time from starting a capture to its result, by device class.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60},
		}, []string{"kind"}),
		frames: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "enrolld_liveview_frames_total",
			Help: "Live-view frames received from cameras, by driver.",
		}, []string{"driver"}),
		rate: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "enrolld_liveview_frames_per_second",
			Help: "Live-view frame rate over the last few seconds, by driver (0 when stopped).",
		}, []string{"driver"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "enrolld_device_io_errors_total",
			Help: "Errors on the link to a device (USB transfers, serial line) by driver and error: timeout, stall, busy, malformed, cancelled, unplugged, noise, truncated, no_answer, line.",
		}, []string{"driver", "error"}),
		window: map[string]*rateWindow{},
	}
	if reg != nil {
		reg.MustRegister(m)
	}
	return m
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.collectors() {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.collectors() {
		c.Collect(ch)
	}
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.captures, m.duration, m.frames, m.rate, m.errors}
}

// Capture records one capture of a device class with its outcome and duration.
func (m *Metrics) Capture(kind, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.captures.WithLabelValues(kind, outcome).Inc()
	m.duration.WithLabelValues(kind).Observe(d.Seconds())
}

// DeviceError counts one device error.
func (m *Metrics) DeviceError(driver, kind string) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(driver, kind).Inc()
}

// DeviceErrors counts n device errors of one kind at once (bytes of line noise, say).
func (m *Metrics) DeviceErrors(driver, kind string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.errors.WithLabelValues(driver, kind).Add(float64(n))
}

// LiveViewFrame counts a frame received at t and updates the driver's frame rate.
func (m *Metrics) LiveViewFrame(driver string, t time.Time) {
	if m == nil {
		return
	}
	m.frames.WithLabelValues(driver).Inc()
	m.mu.Lock()
	w := m.window[driver]
	if w == nil {
		w = &rateWindow{}
		m.window[driver] = w
	}
	fps := w.add(t)
	m.mu.Unlock()
	m.rate.WithLabelValues(driver).Set(fps)
}

// LiveViewStopped sets the driver's frame rate to 0.
func (m *Metrics) LiveViewStopped(driver string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	delete(m.window, driver)
	m.mu.Unlock()
	m.rate.WithLabelValues(driver).Set(0)
}

// rateWindow keeps the times of the frames of the last few seconds.
type rateWindow struct{ times []time.Time }

const rateSpan = 3 * time.Second

func (w *rateWindow) add(t time.Time) float64 {
	w.times = append(w.times, t)
	i := 0
	for i < len(w.times) && t.Sub(w.times[i]) > rateSpan {
		i++
	}
	w.times = w.times[i:]
	if len(w.times) < 2 {
		return 0
	}
	span := w.times[len(w.times)-1].Sub(w.times[0]).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(len(w.times)-1) / span
}
