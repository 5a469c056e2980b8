package firmware

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts update results: enrolld_firmware_updates_total{result}.
type Metrics struct {
	updates *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them with reg (if not nil).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{updates: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "enrolld_firmware_updates_total",
		Help: "Firmware updates attempted, by result (success, refused, failed).",
	}, []string{"result"})}
	for _, r := range []string{"success", "refused", "failed"} {
		m.updates.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.updates)
	}
	return m
}

func (m *Metrics) observe(err error) {
	m.updates.WithLabelValues(resultOf(err)).Inc()
}

// refusals are errors raised before the device is touched.
var refusals = []error{ErrMalformed, ErrBadSignature, ErrUnknownKey, ErrHashMismatch, ErrSizeMismatch,
	ErrWrongDevice, ErrProtocol, ErrNotNewer, ErrRollback, ErrDeviceBusy, ErrUnsigned, ErrBadSuffix, ErrBadCRC}

func resultOf(err error) string {
	if err == nil {
		return "success"
	}
	for _, r := range refusals {
		if errors.Is(err, r) {
			return "refused"
		}
	}
	return "failed"
}
