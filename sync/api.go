package sync

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/sync/outbox"
)

// QueueItem is the JSON view of a queue entry (no biometric data, no receipt bytes).
type QueueItem struct {
	ID          string    `json:"id"`
	State       string    `json:"state"`
	Counter     uint64    `json:"counter"`
	ContentHash string    `json:"content_hash"`
	SealedBytes int64     `json:"sealed_bytes"`
	Created     time.Time `json:"created"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	AckedAt     time.Time `json:"acked_at,omitzero"`
	HasReceipt  bool      `json:"has_receipt"`
}

// SyncStatus is the JSON view of the station's sync state.
type SyncStatus struct {
	Accepting    bool           `json:"accepting"`
	Refusal      string         `json:"refusal,omitempty"`
	Queue        map[string]int `json:"queue"`
	OldestUnsent time.Time      `json:"oldest_unsent,omitzero"`
	SliceCursor  string         `json:"slice_cursor"`
	FreeBytes    int64          `json:"free_bytes"`
	StorageOK    bool           `json:"storage_ok"`
}

func itemOf(e outbox.Entry) QueueItem {
	return QueueItem{ID: e.ID, State: string(e.State), Counter: e.Counter, ContentHash: hex.EncodeToString(e.ContentHash[:]),
		SealedBytes: e.SealedSize, Created: e.Created, Attempts: e.Attempts, NextAttempt: e.NextAttempt,
		LastError: e.LastError, AckedAt: e.AckedAt, HasReceipt: len(e.Receipt) > 0}
}

// APIHandler serves the queue API the daemon mounts under /api/v1/:
//
//	GET  /api/v1/sync                  SyncStatus
//	GET  /api/v1/queue?state=S&limit=N []QueueItem, oldest first
//	GET  /api/v1/queue/{id}            QueueItem
//	POST /api/v1/queue/{id}/retry      make a packet in conflict or backoff due now
func (st *Station) APIHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/sync", st.apiStatus)
	mux.HandleFunc("GET /api/v1/queue", st.apiList)
	mux.HandleFunc("GET /api/v1/queue/{id}", st.apiShow)
	mux.HandleFunc("POST /api/v1/queue/{id}/retry", st.apiRetry)
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, outbox.ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, outbox.ErrState):
		code = http.StatusConflict
	}
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func (st *Station) apiStatus(w http.ResponseWriter, r *http.Request) {
	s, err := st.store.Stats()
	if err != nil {
		writeErr(w, err)
		return
	}
	ref := st.Refusal()
	out := SyncStatus{Accepting: !ref.Refused(), Queue: map[string]int{}, OldestUnsent: s.OldestUnsent}
	if ref.Refused() {
		out.Refusal = ref.String()
	}
	for _, state := range outbox.States {
		out.Queue[string(state)] = s.Counts[state]
	}
	out.SliceCursor, _ = st.store.SliceCursor()
	h := st.store.Health()
	out.FreeBytes, out.StorageOK = h.FreeBytes, h.OK && st.store.Err() == nil
	writeJSON(w, http.StatusOK, out)
}

func (st *Station) apiList(w http.ResponseWriter, r *http.Request) {
	state := outbox.State(r.URL.Query().Get("state"))
	limit := 100
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 {
		limit = l
	}
	items := []QueueItem{}
	err := st.store.Scan(state != "" && state.Unsent(), func(e outbox.Entry) bool {
		if state == "" || e.State == state {
			items = append(items, itemOf(e))
		}
		return len(items) < limit
	})
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, items)
}

func (st *Station) apiShow(w http.ResponseWriter, r *http.Request) {
	e, err := st.store.Get(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, itemOf(e))
}

func (st *Station) apiRetry(w http.ResponseWriter, r *http.Request) {
	if err := st.store.Retry(r.PathValue("id")); err != nil {
		writeErr(w, err)
		return
	}
	st.Kick()
	e, err := st.store.Get(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, itemOf(e))
}
