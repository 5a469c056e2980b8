package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/pki"
	"github.com/enrolld/enrolld/sync/synctest"
)

// The crash harness checker's controls: on an outbox built by hand, the checker accepts a
// consistent state and reports each violated invariant.

// controlOutbox makes station credentials and an outbox holding four packets: the first
// acknowledged with a valid receipt and purged, the second acknowledged, two queued. It
// returns the centre view that matches it.
func controlOutbox(t *testing.T) (stationDir, data string, keys *pki.Centre, ids []string, cv centreView) {
	t.Helper()
	root := t.TempDir()
	centreDir, stationDir, data := filepath.Join(root, "centre"), filepath.Join(root, "station"), filepath.Join(root, "outbox")
	if err := pki.InitCentre(centreDir, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pki.InitStation(stationDir, "st-control", centreDir, outbox.CreateKeyFile); err != nil {
		t.Fatal(err)
	}
	keys, err := pki.LoadCentre(centreDir)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := stsync.OptionsFromDir(stationDir, data, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		id, err := st.Enroll(context.Background(), stsync.Enrollment{OperatorID: "op-1",
			Parts: []packet.Part{{ContentType: "application/octet-stream", Data: []byte{byte(i), 1, 2, 3}}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := st.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	cv = newCentreView()
	for i, id := range ids[:2] {
		h := acknowledge(t, opt.Outbox, id, keys.SigningKey)
		cv.count[id], cv.hash[id] = 1, hex.EncodeToString(h[:])
		if i == 0 {
			s, err := outbox.Open(opt.Outbox)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := s.Purge(time.Now().Add(time.Hour), 0); n != 1 || err != nil {
				t.Fatalf("purge: %d, %v", n, err)
			}
			s.Close()
		}
	}
	return stationDir, data, keys, ids, cv
}

// acknowledge stores a receipt signed by key for the queued packet id, as the uploader does.
func acknowledge(t *testing.T, opt outbox.Options, id string, key ed25519.PrivateKey) [32]byte {
	t.Helper()
	s, err := outbox.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, err := s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	rc := packet.Receipt{PacketID: id, ContentHash: e.ContentHash, StationID: "st-control", Received: time.Now(), Status: packet.StatusCreated}
	rc.Sign(key)
	if err := s.MarkAcknowledged(id, rc.Encode()); err != nil {
		t.Fatal(err)
	}
	return e.ContentHash
}

// wantFinding fails unless f is empty (want "") or some finding contains want.
func wantFinding(t *testing.T, name string, f findings, want string) {
	t.Helper()
	if want == "" {
		if len(f) > 0 {
			t.Errorf("%s: findings on a consistent state: %v", name, f)
		}
		return
	}
	for _, s := range f {
		if strings.Contains(s, want) {
			return
		}
	}
	t.Errorf("%s: no finding contains %q; got %v", name, want, f)
}

func TestCrashCheckerCatches(t *testing.T) {
	stationDir, data, keys, ids, good := controlOutbox(t)
	centreKey := keys.SigningKey.Public().(ed25519.PublicKey)
	with := func(edit func(cv *centreView)) centreView {
		cv := centreView{count: maps.Clone(good.count), hash: maps.Clone(good.hash)}
		edit(&cv)
		return cv
	}
	for _, c := range []struct {
		name  string
		cv    centreView
		acked []string
		final bool
		want  string
	}{
		{"consistent", good, ids, false, ""},
		{"acknowledged but lost", good, append([]string{"0000000000-lost"}, ids...), false, "lost"},
		{"unknown at the centre", with(func(cv *centreView) { cv.count["0000000000-phantom"] = 1 }), ids, false, "never queued"},
		{"stored twice", with(func(cv *centreView) { cv.count[ids[1]] = 2 }), ids, false, "stored 2 times"},
		{"purged, not at the centre", with(func(cv *centreView) { delete(cv.count, ids[0]) }), ids, false, "stored 0 times"},
		{"other content at the centre", with(func(cv *centreView) { cv.hash[ids[1]] = "00" }), ids, false, "content hash"},
		{"queued twice at the centre", with(func(cv *centreView) { cv.count[ids[3]] = 2 }), ids, false, "stored 2 times"},
		{"not drained", good, ids, true, "still queued after the drain"},
	} {
		_, f := checkOutbox(stationDir, data, centreKey, c.cv, c.acked, c.final)
		wantFinding(t, c.name, f, c.want)
	}

	opt, err := stsync.OptionsFromDir(stationDir, data, "")
	if err != nil {
		t.Fatal(err)
	}
	_, forged, _ := ed25519.GenerateKey(nil)
	h := acknowledge(t, opt.Outbox, ids[2], forged)
	cv := with(func(cv *centreView) { cv.count[ids[2]], cv.hash[ids[2]] = 1, hex.EncodeToString(h[:]) })
	_, f := checkOutbox(stationDir, data, centreKey, cv, ids, false)
	wantFinding(t, "receipt not from the centre", f, "without a valid stored receipt")

	if err := os.Remove(filepath.Join(data, "blobs", ids[3]+".age")); err != nil {
		t.Fatal(err)
	}
	_, f = checkOutbox(stationDir, data, centreKey, cv, ids, false)
	wantFinding(t, "sealed file lost", f, "sealed packet is lost")
}

func TestCrashChainCheck(t *testing.T) {
	chain := func(n int) []central.Record {
		var recs []central.Record
		for i := 1; i <= n; i++ {
			r := central.Record{ID: "p" + string(rune('0'+i)), Counter: uint64(i), ChainHash: [32]byte{byte(i)}}
			if i > 1 {
				r.PrevHash = recs[i-2].ChainHash
			}
			recs = append(recs, r)
		}
		return recs
	}
	wantFinding(t, "unbroken chain", checkChain(chain(4)), "")
	broken := chain(4)
	broken[2].PrevHash[0] ^= 1
	wantFinding(t, "broken link", checkChain(broken), "hash chain broken at counter 3")
	gap := chain(4)
	gap[3].Counter = 5
	wantFinding(t, "missing counter", checkChain(gap), "no packet with counter 4")
	dup := chain(4)
	dup[3].Counter = 3
	wantFinding(t, "counter twice", checkChain(dup), "same counter 3")
}

func TestCrashPlaintextScan(t *testing.T) {
	dir := t.TempDir()
	for name, sig := range plainSignatures {
		os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, " ", "_")), append([]byte("xx"), sig...), 0o600)
	}
	os.WriteFile(filepath.Join(dir, "clean"), []byte("nothing to see"), 0o600)
	if got := synctest.FindSignatures(dir, plainSignatures); len(got) != len(plainSignatures) {
		t.Fatalf("found %d of %d planted signatures: %v", len(got), len(plainSignatures), got)
	}
}
