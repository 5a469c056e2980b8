package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// daemonMetrics are the daemon's own metrics, on its own registry (never the global
// default one) together with the Go runtime and process collectors.
type daemonMetrics struct {
	registry *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	httpInFlight prometheus.Gauge

	reloadSuccess   prometheus.Gauge
	reloadTimestamp prometheus.Gauge
}

// newDaemonMetrics builds the registry; ready reports readiness for enrolld_ready.
func newDaemonMetrics(b buildInfo, ready func() bool) *daemonMetrics {
	reg := prometheus.NewRegistry()
	m := &daemonMetrics{
		registry: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "enrolld_http_requests_total",
			Help: "HTTP requests served, by handler, status code and method.",
		}, []string{"handler", "code", "method"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "enrolld_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by handler and method.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"handler", "method"}),
		httpInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "enrolld_http_requests_in_flight",
			Help: "HTTP requests being served now.",
		}),
		reloadSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "enrolld_config_last_reload_successful",
			Help: "Whether the last configuration reload (or the initial load) worked.",
		}),
		reloadTimestamp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "enrolld_config_last_reload_success_timestamp_seconds",
			Help: "When the configuration was last loaded successfully, in Unix seconds.",
		}),
	}
	buildGauge := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "enrolld_build_info",
		Help: "Always 1; its labels describe the running enrolld binary.",
	}, []string{"version", "revision", "goversion"})
	buildGauge.WithLabelValues(b.Version, b.Revision, b.GoVersion).Set(1)
	readyGauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "enrolld_ready",
		Help: "Whether the daemon is ready (storage open, devices initialised, not stopping).",
	}, func() float64 {
		if ready() {
			return 1
		}
		return 0
	})
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildGauge, readyGauge,
		m.httpRequests, m.httpDuration, m.httpInFlight,
		m.reloadSuccess, m.reloadTimestamp,
	)
	m.reloadSuccess.Set(1)
	m.reloadTimestamp.SetToCurrentTime()
	return m
}
