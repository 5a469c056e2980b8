package central

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	stdsync "sync"

	"github.com/enrolld/enrolld/sync/packet"
)

// ErrCursor reports a cursor the slice does not know.
var ErrCursor = errors.New("central: unknown slice cursor")

// Slice is the register slice the centre serves: an append-only log of changes whose positions
// are the cursors (decimal sequence numbers; "" is the beginning).
type Slice struct {
	mu      stdsync.Mutex
	changes []change
	live    map[string]bool
}

type change struct {
	upsert *packet.SlicePerson
	del    string
}

// NewSlice returns an empty slice.
func NewSlice() *Slice { return &Slice{live: map[string]bool{}} }

// Upsert appends a person (new or replaced) to the log.
func (s *Slice) Upsert(p packet.SlicePerson) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changes = append(s.changes, change{upsert: &p})
	s.live[p.SubjectID] = true
}

// Delete appends a deletion to the log.
func (s *Slice) Delete(subject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changes = append(s.changes, change{del: subject})
	delete(s.live, subject)
}

// Len returns the number of live persons and of changes in the log.
func (s *Slice) Len() (persons, changes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live), len(s.changes)
}

// Batch returns the changes after cursor since, at most max of them, compacted so each subject
// appears once (the last change wins). The batch is not yet signed.
func (s *Slice) Batch(since string, max int) (*packet.SliceBatch, error) {
	from := 0
	if since != "" {
		n, err := strconv.Atoi(since)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: %q", ErrCursor, since)
		}
		from = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if from > len(s.changes) {
		return nil, fmt.Errorf("%w: %q is ahead of the log (%d)", ErrCursor, since, len(s.changes))
	}
	to := min(from+max, len(s.changes))
	last := map[string]change{}
	var order []string
	for _, c := range s.changes[from:to] {
		id := c.del
		if c.upsert != nil {
			id = c.upsert.SubjectID
		}
		if _, seen := last[id]; !seen {
			order = append(order, id)
		}
		last[id] = c
	}
	b := &packet.SliceBatch{Since: since, Cursor: strconv.Itoa(to), More: to < len(s.changes)}
	if to == from {
		b.Cursor = since
	}
	for _, id := range order {
		if c := last[id]; c.upsert != nil {
			b.Upserts = append(b.Upserts, *c.upsert)
		} else {
			b.Deletes = append(b.Deletes, id)
		}
	}
	return b, nil
}

// sliceChanges implements GET /v1/slice/changes?since=CURSOR[&limit=N].
func (s *Server) sliceChanges(w http.ResponseWriter, r *http.Request) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
		httpError(w, http.StatusUnauthorized, "a verified client certificate is required")
		return
	}
	limit := s.opt.MaxBatch
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < limit {
		limit = l
	}
	b, err := s.opt.Slice.Batch(r.URL.Query().Get("since"), limit)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	b.Sign(s.opt.SigningKey)
	w.Header().Set("Content-Type", SliceContentType)
	w.Write(b.Encode())
}

// SyntheticSlice generates n persons with the given number of fingers each, deterministically
// from seed. Subject ids are "SYN-<seed>-<i>".
func SyntheticSlice(n, fingers int, seed uint64) *Slice {
	s := NewSlice()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for i := 0; i < n; i++ {
		p := packet.SlicePerson{SubjectID: fmt.Sprintf("SYN-%d-%07d", seed, i), Templates: map[int][]byte{}}
		for f := 1; f <= fingers && f <= 10; f++ {
			p.Templates[f] = SyntheticFMR(rng, f)
		}
		s.Upsert(p)
	}
	return s
}

// LoadSliceFolder reads persons from dir/<subject>/<position>.<ext>, where each file is an
// ISO/IEC 19794-2 record and position is 1–10.
func LoadSliceFolder(dir string) (*Slice, error) {
	subjects, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("central: slice folder: %w", err)
	}
	s := NewSlice()
	sort.Slice(subjects, func(i, j int) bool { return subjects[i].Name() < subjects[j].Name() })
	for _, sd := range subjects {
		if !sd.IsDir() {
			continue
		}
		p := packet.SlicePerson{SubjectID: sd.Name(), Templates: map[int][]byte{}}
		files, err := os.ReadDir(filepath.Join(dir, sd.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			base := strings.TrimSuffix(f.Name(), filepath.Ext(f.Name()))
			pos, err := strconv.Atoi(base)
			if err != nil || pos < 1 || pos > 10 {
				return nil, fmt.Errorf("central: slice folder: %s/%s: name must be the finger position 1-10", sd.Name(), f.Name())
			}
			b, err := os.ReadFile(filepath.Join(dir, sd.Name(), f.Name()))
			if err != nil {
				return nil, err
			}
			if len(b) < 4 || string(b[:4]) != "FMR\x00" {
				return nil, fmt.Errorf("central: slice folder: %s/%s is not an ISO 19794-2 record", sd.Name(), f.Name())
			}
			p.Templates[pos] = b
		}
		if len(p.Templates) > 0 {
			s.Upsert(p)
		}
	}
	return s, nil
}
