package sync

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/sync/outbox"
)

// metrics holds the station's instruments (all prefixed enrolld_sync_; no person, case or
// operator ids in labels):
//
//	queue_packets{state}                  gauge   packets by state (queued, sending, acknowledged, purged, conflict)
//	oldest_unsent_age_seconds             gauge
//	uploads_total{result}                 counter acknowledged, conflict, rejected, bad_receipt, error, unreadable
//	upload_duration_seconds               histogram
//	sent_bytes_total                      counter sealed bytes acknowledged by the centre
//	last_success_timestamp_seconds        gauge
//	offline_limit_reached{reason}         gauge   1 for the reason enrollments are refused
//	storage_healthy, storage_free_bytes, storage_probe_seconds
//	slice_batches_total{result}, slice_changes_applied_total, slice_cursor,
//	slice_up_to_date_timestamp_seconds, slice_lag_seconds
//	enrollments_total{result}             counter committed, refused, error
//
// Queue depth, ages, limits and storage health are read from the store at scrape time; the rest
// are counted as things happen.
type metrics struct {
	station *Station

	enrollments   *prometheus.CounterVec
	uploads       *prometheus.CounterVec
	uploadSeconds prometheus.Histogram
	sentBytes     prometheus.Counter
	lastSuccess   prometheus.Gauge
	sliceBatches  *prometheus.CounterVec
	slicePersons  prometheus.Counter
	sliceCursor   prometheus.Gauge
	sliceUpToDate prometheus.Gauge
	upToDate      atomic.Int64 // unix nanos, mirrors sliceUpToDate for the lag

	queueDesc, oldestDesc, limitDesc, healthDesc, freeDesc, probeDesc, lagDesc *prometheus.Desc
}

func newMetrics() *metrics {
	const ns, sub = "enrolld", "sync"
	return &metrics{
		enrollments: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "enrollments_total",
			Help: "Enrollments handed to the outbox, by result (committed, refused, error)."}, []string{"result"}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "uploads_total",
			Help: "Packet upload attempts by result (acknowledged, conflict, rejected, bad_receipt, error, unreadable)."}, []string{"result"}),
		uploadSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub, Name: "upload_duration_seconds",
			Help: "Duration of packet upload attempts.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10)}),
		sentBytes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "sent_bytes_total",
			Help: "Bytes of sealed packets acknowledged by the centre."}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "last_success_timestamp_seconds",
			Help: "Unix time of the last acknowledged upload."}),
		sliceBatches: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "slice_batches_total",
			Help: "Register-slice batches by result (applied, rejected, error)."}, []string{"result"}),
		slicePersons: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "slice_changes_applied_total",
			Help: "Register-slice person upserts and deletions applied."}),
		sliceCursor: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "slice_cursor",
			Help: "Register-slice cursor of the last applied batch (when numeric)."}),
		sliceUpToDate: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "slice_up_to_date_timestamp_seconds",
			Help: "Unix time the station last pulled the slice with no changes left waiting."}),
		queueDesc:  prometheus.NewDesc("enrolld_sync_queue_packets", "Packets in the outbox by state.", []string{"state"}, nil),
		oldestDesc: prometheus.NewDesc("enrolld_sync_oldest_unsent_age_seconds", "Age of the oldest unsent packet (0 if none).", nil, nil),
		limitDesc:  prometheus.NewDesc("enrolld_sync_offline_limit_reached", "1 when enrollments are refused for this reason.", []string{"reason"}, nil),
		healthDesc: prometheus.NewDesc("enrolld_sync_storage_healthy", "1 when the last storage probe finished in time and the store has not failed.", nil, nil),
		freeDesc:   prometheus.NewDesc("enrolld_sync_storage_free_bytes", "Free bytes in the data directory.", nil, nil),
		probeDesc:  prometheus.NewDesc("enrolld_sync_storage_probe_seconds", "Duration of the last storage probe.", nil, nil),
		lagDesc:    prometheus.NewDesc("enrolld_sync_slice_lag_seconds", "Seconds since the slice was last known up to date (-1 if never).", nil, nil),
	}
}

func (m *metrics) counted() []prometheus.Collector {
	return []prometheus.Collector{m.enrollments, m.uploads, m.uploadSeconds, m.sentBytes, m.lastSuccess,
		m.sliceBatches, m.slicePersons, m.sliceCursor, m.sliceUpToDate}
}

// Describe implements prometheus.Collector.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.counted() {
		c.Describe(ch)
	}
	for _, d := range []*prometheus.Desc{m.queueDesc, m.oldestDesc, m.limitDesc, m.healthDesc, m.freeDesc, m.probeDesc, m.lagDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.counted() {
		c.Collect(ch)
	}
	st := m.station
	if s, err := st.store.Stats(); err == nil {
		for _, state := range outbox.States {
			ch <- prometheus.MustNewConstMetric(m.queueDesc, prometheus.GaugeValue, float64(s.Counts[state]), string(state))
		}
		age := 0.0
		if !s.OldestUnsent.IsZero() {
			age = time.Since(s.OldestUnsent).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(m.oldestDesc, prometheus.GaugeValue, age)
	}
	r := st.Refusal()
	for _, reason := range Reasons {
		v := 0.0
		if r.Reason == reason {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(m.limitDesc, prometheus.GaugeValue, v, string(reason))
	}
	h := st.store.Health()
	healthy := 0.0
	if h.OK && st.store.Err() == nil {
		healthy = 1
	}
	ch <- prometheus.MustNewConstMetric(m.healthDesc, prometheus.GaugeValue, healthy)
	ch <- prometheus.MustNewConstMetric(m.freeDesc, prometheus.GaugeValue, float64(h.FreeBytes))
	ch <- prometheus.MustNewConstMetric(m.probeDesc, prometheus.GaugeValue, h.ProbeTime.Seconds())
	lag := -1.0
	if t := m.upToDate.Load(); t > 0 {
		lag = time.Since(time.Unix(0, t)).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(m.lagDesc, prometheus.GaugeValue, lag)
}

// Collector returns the station's metrics for the daemon's registry.
func (st *Station) Collector() prometheus.Collector { return st.metrics }
