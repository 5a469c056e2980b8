package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/pki"
)

// The crash harness's checker: what the centre holds and what the station's outbox holds
// (opened in the test while enrolld is dead), and the invariants between them.

// centreView is what the centre holds for the station.
type centreView struct {
	count   map[string]int    // how many times each packet id was stored (must be 1)
	hash    map[string]string // content hash (hex) per id
	records []central.Record  // in arrival order; only from the stopped centre's store
}

func newCentreView() centreView {
	return centreView{count: map[string]int{}, hash: map[string]string{}}
}

// centreFromAdmin reads the running centre's admin view (/admin/packets.json).
func centreFromAdmin(t *testing.T, adminURL string) centreView {
	t.Helper()
	resp, err := http.Get(adminURL + "/admin/packets.json")
	if err != nil {
		t.Fatalf("centre admin view: %v", err)
	}
	defer resp.Body.Close()
	var rows []struct{ ID, ContentHash string }
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil {
		t.Fatalf("centre admin view: %v", err)
	}
	cv := newCentreView()
	for _, r := range rows {
		cv.count[r.ID]++
		cv.hash[r.ID] = r.ContentHash
	}
	return cv
}

var conflictsRe = regexp.MustCompile(`(\d+) conflicts \(409\)`)

// centreConflicts reads how many 409 answers the running centre gave from its admin page.
func centreConflicts(t *testing.T, adminURL string) int {
	t.Helper()
	resp, err := http.Get(adminURL + "/admin")
	if err != nil {
		t.Fatalf("centre admin page: %v", err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	m := conflictsRe.FindSubmatch(b.Bytes())
	if m == nil {
		t.Fatalf("centre admin page names no conflict count:\n%s", b.String())
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// centreFromStore opens the stopped centre's store (its index on disk) and reads it.
func centreFromStore(t *testing.T, centreDir string) centreView {
	t.Helper()
	keys, err := pki.LoadCentre(centreDir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := central.New(central.Options{Dir: filepath.Join(centreDir, "store"), Identity: keys.Identity, SigningKey: keys.SigningKey})
	if err != nil {
		t.Fatalf("opening the centre's store: %v", err)
	}
	defer srv.Close()
	cv := newCentreView()
	cv.records = srv.Records()
	for _, r := range cv.records {
		cv.count[r.ID] = srv.StoredCount(r.ID)
		cv.hash[r.ID] = hex.EncodeToString(r.ContentHash[:])
	}
	return cv
}

// findings are violated invariants, one sentence each.
type findings []string

// add appends a finding and returns the list (so that a check can end with it).
func (f *findings) add(format string, args ...any) findings {
	*f = append(*f, fmt.Sprintf(format, args...))
	return *f
}

// report fails t with every finding.
func (f findings) report(t *testing.T) {
	t.Helper()
	for _, s := range f {
		t.Error(s)
	}
}

// outboxTally counts the station's queue entries by state.
type outboxTally struct {
	entries, unsent, acknowledged, purged int
}

// checkOutbox opens the dead station's outbox and checks, for the acknowledged ids (201 seen
// by the operator) and what the centre holds:
//   - every acknowledged enrollment is present locally or stored at the centre;
//   - every entry acknowledged or purged locally has a stored receipt that verifies with the
//     centre's key for its id and content hash, and is stored at the centre exactly once with
//     that hash; a purged entry's sealed file is gone, an unsent one's is intact;
//   - nothing is in conflict, counters are unique, and the centre holds nothing unknown here;
//   - after the final drain (final): nothing is unsent and every enrollment is at the centre
//     exactly once.
func checkOutbox(stationDir, dataDir string, centreKey ed25519.PublicKey, cv centreView, acked []string, final bool) (tally outboxTally, f findings) {
	opt, err := stsync.OptionsFromDir(stationDir, dataDir, "")
	if err != nil {
		return tally, f.add("station credentials: %v", err)
	}
	s, err := outbox.Open(opt.Outbox)
	if err != nil {
		return tally, f.add("reopening the outbox after a kill: %v", err)
	}
	defer s.Close()
	local := map[string]bool{}
	counters := map[uint64]string{}
	err = s.Scan(false, func(e outbox.Entry) bool {
		tally.entries++
		local[e.ID] = true
		if other, dup := counters[e.Counter]; dup {
			f.add("%s and %s share the station counter %d", other, e.ID, e.Counter)
		}
		counters[e.Counter] = e.ID
		f = append(f, checkEntry(s, e, centreKey, cv, final)...)
		switch {
		case e.State.Unsent():
			tally.unsent++
		case e.State == outbox.Acknowledged:
			tally.acknowledged++
		case e.State == outbox.Purged:
			tally.purged++
		}
		return true
	})
	if err != nil {
		f.add("scanning the outbox: %v", err)
	}
	for _, id := range acked {
		if !local[id] && cv.count[id] == 0 {
			f.add("acknowledged enrollment %s lost: neither in the outbox nor at the centre", id)
		}
		if final && cv.count[id] != 1 {
			f.add("acknowledged enrollment %s stored %d times at the centre after the drain", id, cv.count[id])
		}
	}
	for id, n := range cv.count {
		if !local[id] {
			f.add("the centre holds %s (%d times), which the station never queued", id, n)
		}
	}
	return tally, f
}

// checkEntry checks one queue entry against its receipt, its sealed file and the centre.
func checkEntry(s *outbox.Store, e outbox.Entry, centreKey ed25519.PublicKey, cv centreView, final bool) (f findings) {
	_, sealedErr := s.Sealed(e)
	switch e.State {
	case outbox.Acknowledged, outbox.Purged:
		rc, err := packet.DecodeReceipt(e.Receipt)
		if err == nil {
			err = rc.VerifyStored(centreKey, e.ID, e.ContentHash)
		}
		if err != nil {
			f.add("%s is %s without a valid stored receipt: %v", e.ID, e.State, err)
		}
		if n := cv.count[e.ID]; n != 1 {
			f.add("%s is %s locally but stored %d times at the centre", e.ID, e.State, n)
		}
		if h := hex.EncodeToString(e.ContentHash[:]); cv.hash[e.ID] != h {
			f.add("%s: the centre holds content hash %q, the station %q", e.ID, cv.hash[e.ID], h)
		}
		if e.State == outbox.Purged && !errors.Is(sealedErr, outbox.ErrNotFound) {
			f.add("%s is purged but its sealed file is still readable (err %v)", e.ID, sealedErr)
		}
		if e.State == outbox.Acknowledged && sealedErr != nil {
			f.add("%s is acknowledged but not yet purged, and its sealed file is gone: %v", e.ID, sealedErr)
		}
	case outbox.Conflict:
		f.add("%s is in conflict (409): the centre saw a different packet under its id", e.ID)
	default: // queued or sending: must still be sendable
		if sealedErr != nil {
			f.add("%s is %s but its sealed packet is lost: %v", e.ID, e.State, sealedErr)
		}
		if final {
			f.add("%s still %s after the drain", e.ID, e.State)
		}
		if n := cv.count[e.ID]; n > 1 {
			f.add("%s stored %d times at the centre", e.ID, n)
		}
	}
	return f
}

// checkChain checks the station's hash chain as the centre received it: counters 1..n each
// once, every packet naming its predecessor's chain hash.
func checkChain(recs []central.Record) (f findings) {
	byCounter := map[uint64]central.Record{}
	for _, r := range recs {
		if old, dup := byCounter[r.Counter]; dup {
			f.add("the centre holds %s and %s with the same counter %d", old.ID, r.ID, r.Counter)
		}
		byCounter[r.Counter] = r
	}
	for n := uint64(1); n <= uint64(len(recs)); n++ {
		cur, ok := byCounter[n]
		if !ok {
			f.add("the centre has no packet with counter %d of %d", n, len(recs))
			continue
		}
		if prev, ok := byCounter[n-1]; ok && cur.PrevHash != prev.ChainHash {
			f.add("hash chain broken at counter %d (%s)", n, cur.ID)
		}
	}
	return f
}

// plainSignatures are byte patterns of the test's biometric payloads (a JPEG header, an
// ISO/IEC 19794-2 template header) that must never appear unencrypted on disk.
var plainSignatures = map[string][]byte{
	"JPEG":        []byte("\xff\xd8\xff\xe0\x00\x10JFIF"),
	"ISO 19794-2": []byte("FMR\x00 20\x00"),
}
