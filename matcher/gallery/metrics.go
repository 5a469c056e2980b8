package gallery

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the gallery's instruments: searches are observed as they finish, sizes and
// the snapshot age are read from the gallery at scrape time. No subject ids appear in them.
type metrics struct {
	g          *Gallery
	duration   *prometheus.HistogramVec
	candidates prometheus.Histogram
	persons    *prometheus.Desc
	templates  *prometheus.Desc
	age        *prometheus.Desc
}

func newMetrics(g *Gallery) *metrics {
	const ns, sub = "enrolld", "search"
	return &metrics{
		g: g,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "duration_seconds", Help: "Duration of 1:N searches by stage (stage1, stage2, total).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 12)}, []string{"stage"}),
		candidates: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "candidates", Help: "Persons compared precisely (stage 2) per search.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10)}),
		persons: prometheus.NewDesc("enrolld_gallery_persons", "Persons in the search gallery.", nil, nil),
		templates: prometheus.NewDesc("enrolld_gallery_templates",
			"Finger templates in the search gallery.", nil, nil),
		age: prometheus.NewDesc("enrolld_gallery_snapshot_age_seconds",
			"Seconds since the gallery was last loaded from or saved to a snapshot (absent if never).", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	m.duration.Describe(ch)
	m.candidates.Describe(ch)
	ch <- m.persons
	ch <- m.templates
	ch <- m.age
}

// Collect implements prometheus.Collector.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	m.duration.Collect(ch)
	m.candidates.Collect(ch)
	p, t := m.g.Len()
	ch <- prometheus.MustNewConstMetric(m.persons, prometheus.GaugeValue, float64(p))
	ch <- prometheus.MustNewConstMetric(m.templates, prometheus.GaugeValue, float64(t))
	if s := m.g.SnapshotTime(); !s.IsZero() {
		ch <- prometheus.MustNewConstMetric(m.age, prometheus.GaugeValue, time.Since(s).Seconds())
	}
}

// observe records one finished search.
func (m *metrics) observe(r *Result) {
	if m == nil {
		return
	}
	m.duration.WithLabelValues("stage1").Observe(r.Stage1.Seconds())
	m.duration.WithLabelValues("stage2").Observe(r.Stage2.Seconds())
	m.duration.WithLabelValues("total").Observe((r.Stage1 + r.Stage2).Seconds())
	m.candidates.Observe(float64(r.Compared))
}

// Collector returns the gallery's metrics as a prometheus.Collector for the caller to
// register: enrolld_search_duration_seconds{stage} (histogram), enrolld_search_candidates
// (histogram), enrolld_gallery_persons, enrolld_gallery_templates and
// enrolld_gallery_snapshot_age_seconds.
func (g *Gallery) Collector() prometheus.Collector { return g.metrics }
