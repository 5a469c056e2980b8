package desk

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics of the desk. Labels never carry person, case or operator ids.
type metrics struct {
	enrollments   *prometheus.CounterVec
	stepSeconds   *prometheus.HistogramVec
	rejections    *prometheus.CounterVec
	exceptions    *prometheus.CounterVec
	searches      *prometheus.CounterVec
	logins        *prometheus.CounterVec
	previewFrames prometheus.Counter
	previewBytes  prometheus.Counter
	previewDrops  prometheus.Counter
	previewPeers  prometheus.Gauge
}

func newMetrics() *metrics {
	return &metrics{
		enrollments: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "enrolld_desk_enrollments_total",
			Help: "Enrollments ended at the desk, by outcome (committed, cancelled, commit_failed)."}, []string{"outcome"}),
		stepSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "enrolld_desk_step_duration_seconds",
			Help: "Time spent in each enrollment step.", Buckets: prometheus.ExponentialBuckets(1, 2, 10)}, []string{"step"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "enrolld_desk_quality_rejections_total",
			Help: "Captures refused by a quality gate, by modality and reason."}, []string{"modality", "reason"}),
		exceptions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "enrolld_desk_exceptions_total",
			Help: "Exceptions raised, by type."}, []string{"type"}),
		searches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "enrolld_desk_searches_total",
			Help: "1:N searches run at the desk, by result (hit, no_hit)."}, []string{"result"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "enrolld_desk_sign_ins_total",
			Help: "Sign-in attempts by result (ok, bad_credentials, locked_out)."}, []string{"result"}),
		previewFrames: prometheus.NewCounter(prometheus.CounterOpts{Name: "enrolld_desk_preview_frames_total",
			Help: "Live-view frames sent to desk pages."}),
		previewBytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "enrolld_desk_preview_bytes_total",
			Help: "Live-view bytes sent to desk pages (rate() gives the bitrate in bytes per second)."}),
		previewDrops: prometheus.NewCounter(prometheus.CounterOpts{Name: "enrolld_desk_preview_frames_dropped_total",
			Help: "Live-view frames dropped because a page could not keep up."}),
		previewPeers: prometheus.NewGauge(prometheus.GaugeOpts{Name: "enrolld_desk_preview_peers",
			Help: "Open live-view WebRTC connections."}),
	}
}

func (m *metrics) all() []prometheus.Collector {
	return []prometheus.Collector{m.enrollments, m.stepSeconds, m.rejections, m.exceptions, m.searches, m.logins,
		m.previewFrames, m.previewBytes, m.previewDrops, m.previewPeers}
}

// Describe implements prometheus.Collector.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.all() {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.all() {
		c.Collect(ch)
	}
}

// problemLabel turns a reason into a bounded label value: the face checker's problems
// start with a fixed phrase; keep the words before any number or colon.
func problemLabel(p string) string {
	if i := strings.IndexAny(p, ":(0123456789"); i > 0 {
		p = p[:i]
	}
	p = strings.TrimSpace(strings.ToLower(p))
	p = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return '_'
	}, p)
	if len(p) > 40 {
		p = p[:40]
	}
	return p
}
