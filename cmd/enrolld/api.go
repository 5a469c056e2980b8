package main

import (
	"net/http"
	"time"

	"github.com/enrolld/enrolld/cmd/internal/api"
	"github.com/enrolld/enrolld/drivers"
)

// serveStatus answers GET /api/v1/status.
func (d *daemon) serveStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, d.status())
}

// serveDevices answers GET /api/v1/devices.
func (d *daemon) serveDevices(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, api.Devices{Devices: d.manager.Devices()})
}

// status reports the daemon's state.
func (d *daemon) status() api.Status {
	d.mu.Lock()
	cfg, lastReload, reloadErr := d.cfg, d.lastReload, d.lastReloadErr
	d.mu.Unlock()
	b := d.build
	counts := map[drivers.State]int{
		drivers.StatePending: 0, drivers.StateLoaded: 0, drivers.StateSkipped: 0, drivers.StateFailed: 0,
	}
	for _, dev := range d.manager.Devices() {
		counts[dev.State]++
	}
	reason := d.notReady()
	return api.Status{
		Station:         api.Station{ID: cfg.Station.ID, Name: cfg.Station.Name},
		Build:           api.Build{Version: b.Version, Revision: b.Revision, GoVersion: b.GoVersion},
		Started:         d.started,
		Uptime:          time.Since(d.started).Seconds(),
		Ready:           reason == "",
		NotReady:        reason,
		StoragePath:     d.storage.Dir(),
		Devices:         counts,
		Drivers:         d.opts.registry.Names(),
		LastReload:      lastReload,
		LastReloadError: reloadErr,
	}
}
