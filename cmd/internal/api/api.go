// Package api holds the JSON shapes of enrolld's HTTP API (/api/v1/…) and a small
// client for them, shared by the daemon (cmd/enrolld), which serves them, and the
// admin CLI (cmd/enrollctl), which reads them. Responses never carry biometric data
// or person ids; errors are {"error": "…"} with a 4xx or 5xx status.
package api

import (
	"time"

	"github.com/enrolld/enrolld/drivers"
)

// Paths of the API's endpoints.
const (
	PathStatus  = "/api/v1/status"
	PathDevices = "/api/v1/devices"
)

// Status is the answer of GET /api/v1/status: what the station is and how it is doing.
type Status struct {
	Station Station `json:"station"`
	Build   Build   `json:"build"`
	// Started is when the daemon started; Uptime is seconds since then.
	Started time.Time `json:"started"`
	Uptime  float64   `json:"uptime_seconds"`
	// Ready is true once storage is open and the devices have been initialised;
	// NotReady says why it is false.
	Ready    bool   `json:"ready"`
	NotReady string `json:"not_ready,omitempty"`
	// StoragePath is the state directory.
	StoragePath string `json:"storage_path"`
	// Devices counts the configured devices by state (loaded, skipped, failed, pending).
	Devices map[drivers.State]int `json:"devices"`
	// Drivers lists the drivers compiled into this daemon.
	Drivers []string `json:"drivers"`
	// LastReload is when the configuration was last reloaded (zero if never) and
	// LastReloadError why the last attempt failed (empty if it worked).
	LastReload      time.Time `json:"last_reload,omitzero"`
	LastReloadError string    `json:"last_reload_error,omitempty"`
}

// Station identifies the station.
type Station struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Build describes the daemon binary.
type Build struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	GoVersion string `json:"go_version"`
}

// Devices is the answer of GET /api/v1/devices: every configured device, in
// configuration order.
type Devices struct {
	Devices []drivers.DeviceStatus `json:"devices"`
}

// Error is the body of every error answer.
type Error struct {
	Error string `json:"error"`
}
