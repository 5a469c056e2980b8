package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/cmd/internal/desk"
	"github.com/enrolld/enrolld/drivers"
)

// deskConfig is the desk section: the officers' web UI and its workflow (see
// cmd/internal/desk). Leaving it out runs a station without a desk.
type deskConfig desk.Config

// enabled reports whether the section is present.
func (c deskConfig) enabled() bool {
	return c.ORI != "" || len(c.Accounts) > 0 || c.DemoAccounts || len(c.Profiles) > 0
}

func (c deskConfig) validate(p *problems) {
	if !c.enabled() {
		return
	}
	dc := desk.Config(c)
	if err := dc.Validate(); err != nil {
		p.addf("desk", "%v", err)
	}
}

// deskSubsystem serves the enrollment desk once the devices, the outbox and the
// gallery are up.
type deskSubsystem struct {
	cfg      desk.Config
	manager  *drivers.Manager
	sync     *syncSubsystem
	gallery  *gallerySubsystem
	reg      prometheus.Registerer
	log      *slog.Logger
	announce io.Writer     // demo passwords go here (the terminal), never to the logs
	busy     *atomic.Int32 // captures in progress (firmware updates wait for zero)
	desk     atomic.Pointer[desk.Desk]
}

func (s *deskSubsystem) Name() string { return "desk" }

// Start opens the desk: face checker and workflow (its audit chain lives in the outbox).
func (s *deskSubsystem) Start(ctx context.Context) error {
	st := s.sync.station.Load()
	if st == nil {
		return errors.New("desk: the outbox is not open")
	}
	d, pws, err := desk.Open(s.cfg, desk.Deps{Devices: countingDevices{desk.ManagerDevices(s.manager), s.busy},
		Station: st, Gallery: s.gallery.current(), Registerer: s.reg, Logger: s.log})
	if err != nil {
		return err
	}
	s.desk.Store(d)
	if len(pws) > 0 && s.announce != nil {
		names := make([]string, 0, len(pws))
		for n := range pws {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(s.announce, "desk demo accounts (shown once):")
		for _, n := range names {
			fmt.Fprintf(s.announce, "  %-16s %s\n", n, pws[n])
		}
	}
	return nil
}

// Stop has nothing to close: the outbox, closed by the sync subsystem, holds the audit chain.
func (s *deskSubsystem) Stop(context.Context) error { return nil }

// ServeHTTP forwards to the desk, or answers 503 while it starts.
func (s *deskSubsystem) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d := s.desk.Load()
	if d == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the desk is starting"})
		return
	}
	d.ServeHTTP(w, r)
}
