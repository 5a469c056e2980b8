package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware"
)

// Firmware API paths.
const (
	pathFirmware      = apiPrefix + "v1/firmware"
	pathFirmwareApply = apiPrefix + "v1/firmware/apply"
)

// firmwareRoutes adds the firmware endpoints.
func (d *daemon) firmwareRoutes(f *firmwareSubsystem) {
	d.handle("GET "+pathFirmware, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.serveStatus(w, r)
	}))
	d.handle("POST "+pathFirmwareApply, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.serveApply(w, r)
	}))
}

// firmwareStatus is GET /api/v1/firmware: the devices on the bus with their versions
// and the journal (the audit trail of updates).
type firmwareStatus struct {
	Devices []firmwareDevice `json:"devices"`
	Journal []firmware.Entry `json:"journal"`
}

type firmwareDevice struct {
	ID      usb.ID `json:"id"`
	Serial  string `json:"serial,omitempty"`
	Version string `json:"version"`
}

func (f *firmwareSubsystem) serveStatus(w http.ResponseWriter, r *http.Request) {
	st := firmwareStatus{Devices: []firmwareDevice{}, Journal: []firmware.Entry{}}
	if f.updater.Bus != nil {
		devs, _ := f.updater.Bus.Devices(r.Context())
		for _, d := range devs {
			v, _ := firmware.FromBCD(d.BcdDevice)
			st.Devices = append(st.Devices, firmwareDevice{ID: d.ID, Serial: d.Serial, Version: v.String()})
		}
	}
	if f.updater.Journal != nil {
		st.Journal = append(st.Journal, f.updater.Journal.Entries()...)
	}
	writeJSON(w, http.StatusOK, st)
}

// progressLine is one line of the apply endpoint's NDJSON stream.
type progressLine struct {
	Phase string `json:"phase,omitempty"`
	Done  int    `json:"done,omitempty"`
	Total int    `json:"total,omitempty"`
	// Result is "success" or "error" on the last line.
	Result string `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// serveApply is POST /api/v1/firmware/apply?device=VID:PID[&serial=S] with the bundle
// as the body. A bundle refused by the checks gets 400 (409 if the device is busy or
// another update runs); once the device is touched the answer is a stream of
// progress lines ending with the result.
func (f *firmwareSubsystem) serveApply(w http.ResponseWriter, r *http.Request) {
	id, err := usb.ParseID(r.URL.Query().Get("device"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, progressLine{Result: "error", Error: err.Error()})
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, firmware.MaxPayload+1<<20))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, progressLine{Result: "error", Error: err.Error()})
		return
	}
	s := &progressStream{w: w}
	err = f.apply(r.Context(), raw, id, r.URL.Query().Get("serial"), actorOf(r), s.progress)
	s.finish(err)
}

// actorOf names who asked for an update. The desk's sign-in replaces this with the
// signed-in account; until then the API is local-only and records the peer.
func actorOf(r *http.Request) string {
	if u := r.Header.Get("X-Enrolld-Actor"); u != "" {
		return "api:" + u
	}
	return "api@" + r.RemoteAddr
}

// progressStream writes NDJSON progress, starting the 200 answer on the first line.
type progressStream struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	started bool
}

func (s *progressStream) progress(phase string, done, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.line(progressLine{Phase: phase, Done: done, Total: total})
}

func (s *progressStream) line(l progressLine) {
	if !s.started {
		s.w.Header().Set("Content-Type", "application/x-ndjson")
		s.w.WriteHeader(http.StatusOK)
		s.started = true
	}
	_ = json.NewEncoder(s.w).Encode(l)
	if fl, ok := s.w.(http.Flusher); ok {
		fl.Flush()
	}
}

func (s *progressStream) finish(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started && err != nil {
		writeJSON(s.w, refusalStatus(err), progressLine{Result: "error", Error: err.Error()})
		return
	}
	if err != nil {
		s.line(progressLine{Result: "error", Error: err.Error()})
		return
	}
	s.line(progressLine{Result: "success"})
}

func refusalStatus(err error) int {
	if errors.Is(err, firmware.ErrDeviceBusy) || errors.Is(err, errUpdateRunning) {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}
