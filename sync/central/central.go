// Package central is the reference central endpoint: it ingests stations' sealed packets over
// mutual TLS, de-duplicates them, answers with signed receipts, and serves the register slice as
// signed delta batches. It is for development, demos and tests, and is the executable
// description of the protocol in sync/api/openapi.yaml; a real central system implements the
// same HTTP contract.
//
// Ingest checks, in order: the client certificate (verified by TLS against the station CA; its
// common name is the station id), the packet id's form, the upload nonce, that the body opens
// with the centre's age identity, that the packet's signature verifies with the certificate's
// key, that the manifest names this id and this station. Then: a new id is stored (sealed as
// received, fsynced, indexed) and answered 201; a known id with the same content hash is
// answered 200; a known id with a different hash is answered 409 and recorded as an alarm.
package central

import (
	"bufio"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	stdsync "sync"
	"time"

	"filippo.io/age"
)

// Options configure a Server.
type Options struct {
	Dir        string              // where received packets and the index live (required)
	Identity   *age.X25519Identity // opens sealed packets (required)
	SigningKey ed25519.PrivateKey  // signs receipts and slice batches (required)
	Slice      *Slice              // register slice to serve; nil serves an empty one
	MaxBatch   int                 // persons per slice batch, default 200
	Logger     *slog.Logger
}

// Record is what the centre's index holds about one received packet.
type Record struct {
	ID          string    `json:"id"`
	StationID   string    `json:"station_id"`
	ContentHash [32]byte  `json:"content_hash"`
	Counter     uint64    `json:"counter"`
	PrevHash    [32]byte  `json:"prev_hash"`
	ChainHash   [32]byte  `json:"chain_hash"`
	Received    time.Time `json:"received"`
	Size        int       `json:"size"`
}

// Server is the central endpoint.
type Server struct {
	opt Options
	log *slog.Logger

	mu        stdsync.Mutex
	index     map[string]Record
	order     []string
	index2    *os.File
	conflicts int
	uploads   map[string]int  // by result, for the admin view
	stored    map[string]int  // how many times each id was stored (must stay 1)
	pending   map[string]bool // ids whose sealed file is being written
}

// New opens (or creates) the centre's store in opt.Dir.
func New(opt Options) (*Server, error) {
	if opt.Dir == "" || opt.Identity == nil || len(opt.SigningKey) != ed25519.PrivateKeySize {
		return nil, errors.New("central: Dir, Identity and SigningKey are required")
	}
	if opt.Slice == nil {
		opt.Slice = NewSlice()
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 200
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opt: opt, log: opt.Logger, index: map[string]Record{}, uploads: map[string]int{}, stored: map[string]int{}, pending: map[string]bool{}}
	if err := os.MkdirAll(filepath.Join(opt.Dir, "packets"), 0o700); err != nil {
		return nil, err
	}
	if err := s.loadIndex(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) loadIndex() error {
	p := filepath.Join(s.opt.Dir, "index.jsonl")
	if f, err := os.Open(p); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r Record
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				break // a torn last line from a crash: the packet file may exist, the station will resend
			}
			if _, dup := s.index[r.ID]; !dup {
				s.order = append(s.order, r.ID)
			}
			s.index[r.ID] = r
			s.stored[r.ID]++
		}
		f.Close()
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("central: index: %w", err)
	}
	s.index2 = f
	return nil
}

// Close closes the index.
func (s *Server) Close() error { return s.index2.Close() }

// Handler returns the HTTP routes: the protocol under /v1/ and the admin view under /admin.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/packets/{id}", s.putPacket)
	mux.HandleFunc("GET /v1/slice/changes", s.sliceChanges)
	mux.HandleFunc("GET /admin", s.adminHTML)
	mux.HandleFunc("GET /admin/packets.json", s.adminJSON)
	return mux
}

// Records returns the index in arrival order (for tests and the admin view).
func (s *Server) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Record, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.index[id])
	}
	return out
}

// StoredCount returns how many times the packet was stored (exactly once is the invariant).
func (s *Server) StoredCount(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored[id]
}

// Conflicts returns how many 409 answers the centre gave.
func (s *Server) Conflicts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conflicts
}
