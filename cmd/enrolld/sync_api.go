package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/packet"
)

// syncRoutes mounts the outbox API (GET /api/v1/sync, /api/v1/queue…) and, when an
// ingest token is configured, POST /api/v1/enrollments.
func (d *daemon) syncRoutes(s *syncSubsystem) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := s.station.Load()
		if st == nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "outbox not open yet"})
			return
		}
		st.APIHandler().ServeHTTP(w, r)
	})
	for _, p := range []string{"GET /api/v1/sync", "GET /api/v1/queue", "GET /api/v1/queue/{id}", "POST /api/v1/queue/{id}/retry"} {
		d.handle(p, h)
	}
	d.handle("POST /api/v1/enrollments", http.HandlerFunc(s.serveEnroll))
}

// enrollRequest is a finished enrollment from a capture front-end.
type enrollRequest struct {
	OperatorID   string       `json:"operator_id"`
	CaptureTimes []time.Time  `json:"capture_times"`
	Parts        []enrollPart `json:"parts"`
}

type enrollPart struct {
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"` // base64 in JSON
}

// serveEnroll queues an enrollment. 201 with the packet id once it is durably in
// the outbox; 503 with the reason when an offline limit refuses it.
func (s *syncSubsystem) serveEnroll(w http.ResponseWriter, r *http.Request) {
	st := s.station.Load()
	if st == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "outbox not open yet"})
		return
	}
	if s.token == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "ingest is not enabled (sync.ingest_token_file)"})
		return
	}
	got := r.Header.Get("Authorization")
	if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+s.token)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong bearer token"})
		return
	}
	var req enrollRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(&req); err != nil || len(req.Parts) == 0 || req.OperatorID == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want JSON {operator_id, capture_times, parts:[{content_type, data}]}"})
		return
	}
	e := stsync.Enrollment{OperatorID: req.OperatorID, CaptureTimes: req.CaptureTimes}
	for _, p := range req.Parts {
		e.Parts = append(e.Parts, packet.Part{ContentType: p.ContentType, Data: p.Data})
	}
	id, err := st.Enroll(r.Context(), e)
	switch {
	case errors.Is(err, stsync.ErrRefused):
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error(), "reason": st.Refusal().String()})
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	}
}
