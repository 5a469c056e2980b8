package drivers

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// registererKey is the context key of the Registerer drivers register metrics on.
type registererKey struct{}

// RegistererFrom returns the Prometheus registerer the Manager opening a device
// wants the driver's own metrics on (the daemon's registry), or nil when there is
// none. A driver's open function passes it to its options, for example
//
//	o.Registerer = drivers.RegistererFrom(ctx)
//
// and must cope with its collectors being registered already (by an earlier open
// of the same driver): reuse them, as prometheus.AlreadyRegisteredError allows.
func RegistererFrom(ctx context.Context) prometheus.Registerer {
	reg, _ := ctx.Value(registererKey{}).(prometheus.Registerer)
	return reg
}

// withRegisterer returns ctx carrying reg for RegistererFrom.
func withRegisterer(ctx context.Context, reg prometheus.Registerer) context.Context {
	if reg == nil {
		return ctx
	}
	return context.WithValue(ctx, registererKey{}, reg)
}
