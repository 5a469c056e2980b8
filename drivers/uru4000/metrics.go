package uru4000

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the driver's Prometheus metrics. Labels carry the driver name, outcomes
// and error kinds only: never anything about the person at the reader.
type metrics struct {
	captures *prometheus.CounterVec
	elapsed  *prometheus.HistogramVec
	duration prometheus.Observer
	errors   *prometheus.CounterVec
}

// newMetrics builds the metrics and registers them with reg (nil: not registered).
// Metrics another reader already registered on reg are shared.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		captures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "enrolld_finger_captures_total",
			Help: "Finger captures by driver and outcome (ok, cancelled, unplugged, timeout, no_good_frame, error).",
		}, []string{"driver", "outcome"}),
		elapsed: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "enrolld_finger_capture_duration_seconds",
			Help:    "Time from the finger landing on the reader to the finished image.",
			Buckets: []float64{0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 5},
		}, []string{"driver"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "enrolld_finger_device_errors_total",
			Help: "Finger reader errors by driver and kind (stall, timeout, no_device, short_frame, scan_failed, no_power_on, ...).",
		}, []string{"driver", "kind"}),
	}
	if reg != nil {
		var err error
		if m.captures, err = register(reg, m.captures); err != nil {
			return nil, err
		}
		if m.elapsed, err = register(reg, m.elapsed); err != nil {
			return nil, err
		}
		if m.errors, err = register(reg, m.errors); err != nil {
			return nil, err
		}
	}
	m.duration = m.elapsed.WithLabelValues(DriverName)
	return m, nil
}

// register registers c, or returns the collector already registered in its place.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, fmt.Errorf("uru4000: registering metrics: %w", err)
}

// captured counts a capture's outcome.
func (m *metrics) captured(outcome string) {
	m.captures.WithLabelValues(DriverName, outcome).Inc()
}

// deviceError counts one device error of kind.
func (m *metrics) deviceError(kind string) {
	m.errors.WithLabelValues(DriverName, kind).Inc()
}
