package desk

import (
	"context"
	"errors"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/capture/enroll"
	"github.com/enrolld/enrolld/capture/face"
	"github.com/enrolld/enrolld/matcher/gallery"
	"github.com/enrolld/enrolld/sync"
)

// Deps are what the daemon has already opened when it builds the desk.
type Deps struct {
	Devices    Devices          // usually ManagerDevices(manager)
	Station    *sync.Station    // the store-and-forward outbox (required)
	Gallery    *gallery.Gallery // the 1:N gallery; nil leaves out the search step
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// Desk is an opened desk: its handler.
type Desk struct {
	*Server
}

// Open builds the whole desk from its configuration section: it loads the face checker and
// connects the workflow to the station's outbox (which also keeps the desk's audit chain,
// see StationAuditor) and the gallery. With cfg.DemoAccounts it adds two demo accounts with random passwords and
// returns those passwords for printing; otherwise passwords is nil.
func Open(cfg Config, deps Deps) (d *Desk, passwords map[string]string, err error) {
	if deps.Station == nil || deps.Devices == nil {
		return nil, nil, errors.New("desk: Open needs the devices and the station")
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	var opt Options
	cfg.Apply(&opt)
	if cfg.DemoAccounts {
		accts, pws, err := DemoAccounts()
		if err != nil {
			return nil, nil, err
		}
		opt.Accounts, passwords = append(opt.Accounts, accts...), pws
	}
	checker, err := face.NewChecker(nil)
	if err != nil {
		return nil, nil, err
	}
	opt.Devices, opt.Registerer, opt.Logger = deps.Devices, deps.Registerer, deps.Logger
	opt.Queue = queueStatus(deps.Station)
	opt.Refused = func() string {
		if r := deps.Station.Refusal(); r.Refused() {
			return r.String()
		}
		return ""
	}
	opt.Enroll.Auditor = StationAuditor(deps.Station)
	opt.AuditExport = deps.Station.Store().ExportAudit
	opt.Enroll.FaceChecker = FaceChecker(checker)
	opt.Enroll.Analyzer = enroll.ExtractAnalyzer{}
	opt.Enroll.Comparer = &enroll.SharedComparer{}
	opt.Enroll.Outbox = StationOutbox(deps.Station)
	if deps.Gallery != nil {
		opt.Enroll.Searcher = GallerySearcher(deps.Gallery, gallery.SearchOptions{})
	}
	srv, err := New(opt)
	if err != nil {
		return nil, nil, err
	}
	return &Desk{Server: srv}, passwords, nil
}

// queueStatus reports the outbox for the status panel: queue counts and whether new
// enrollments are refused (and why).
func queueStatus(st *sync.Station) func(context.Context) any {
	return func(context.Context) any {
		stats, err := st.Store().Stats()
		r := st.Refusal()
		out := map[string]any{"accepting": !r.Refused(), "state": r.String(), "queue": stats}
		if err != nil {
			out["error"] = err.Error()
		}
		return out
	}
}
