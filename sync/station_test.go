package sync_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/synctest"
)

// biometricParts returns parts that carry the signatures of real biometric formats, so the
// plain-text scan has something to find if anything leaks.
func biometricParts(rng *rand.Rand, size int) []packet.Part {
	img := make([]byte, max(size, 64))
	for i := range img {
		img[i] = byte(rng.Uint32())
	}
	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), img...)
	png := append([]byte("\x89PNG\r\n\x1a\n"), img[:64]...)
	wsq := append([]byte{0xff, 0xa0, 0xff, 0xa8}, img[:64]...)
	fmr := central.SyntheticFMR(rng, 1)
	return []packet.Part{{ContentType: "image/jpeg", Data: jpeg}, {ContentType: "image/png", Data: png}, {ContentType: "image/x-wsq", Data: wsq}, {ContentType: "application/x-iso19794-2", Data: fmr}}
}

// signatures are byte patterns of images and templates that must never appear on disk.
var signatures = map[string][]byte{
	"JPEG": []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "PNG": []byte("\x89PNG\r\n\x1a\n"), "ISO 19794-2": []byte("FMR\x00 20\x00"),
	"WSQ": {0xff, 0xa0, 0xff, 0xa8},
}

func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestScanFindsPlaintext is the scanner's control: it must find what it looks for.
func TestScanFindsPlaintext(t *testing.T) {
	dir := t.TempDir()
	for name, sig := range signatures {
		os.WriteFile(filepath.Join(dir, name), append([]byte("xx"), sig...), 0o600)
	}
	if got := synctest.FindSignatures(dir, signatures); len(got) != len(signatures) {
		t.Fatalf("found %d of %d planted signatures: %v", len(got), len(signatures), got)
	}
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func unsent(t *testing.T, st *stsync.Station) int {
	s, err := st.Store().Stats()
	if err != nil {
		t.Fatal(err)
	}
	return s.Unsent
}

// checkCentre verifies each id is stored exactly once and the station's chain is unbroken.
// centreView is what the checkers read from a centre: the in-process server or the index of an
// enroll-central process.
type centreView interface {
	StoredCount(id string) int
	Records() []central.Record
}

func checkCentre(t *testing.T, c centreView, ids []string) {
	t.Helper()
	for _, id := range ids {
		if n := c.StoredCount(id); n != 1 {
			t.Errorf("packet %s stored %d times at the centre", id, n)
		}
	}
	recs := c.Records()
	byCounter := map[uint64]central.Record{}
	for _, r := range recs {
		if _, dup := byCounter[r.Counter]; dup {
			t.Errorf("two packets with counter %d", r.Counter)
		}
		byCounter[r.Counter] = r
	}
	for n := uint64(2); n <= uint64(len(recs)); n++ {
		prev, cur := byCounter[n-1], byCounter[n]
		if cur.PrevHash != prev.ChainHash {
			t.Errorf("chain broken at counter %d (prev %s)", n, hex.EncodeToString(prev.ChainHash[:4]))
		}
	}
}

type fakeGallery struct{ persons map[string]map[int][]byte }

func (g *fakeGallery) Upsert(id string, t map[int][]byte) error { g.persons[id] = t; return nil }
func (g *fakeGallery) Delete(id string) error                   { delete(g.persons, id); return nil }

func TestEnrollUploadSliceAndScan(t *testing.T) {
	slice := central.SyntheticSlice(450, 2, 7)
	slice.Delete("SYN-7-0000003")
	env := synctest.New(t, slice)
	data := t.TempDir()
	opt := env.StationOptions(t, data, "")
	g := &fakeGallery{persons: map[string]map[int][]byte{}}
	opt.Gallery = g
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(st.Collector())
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := 0; i < 20; i++ {
		id, err := st.Enroll(context.Background(), stsync.Enrollment{OperatorID: "op-1", CaptureTimes: []time.Time{time.Now()}, Parts: biometricParts(rng, 2000)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	waitFor(t, "queue to drain", 20*time.Second, func() bool { return unsent(t, st) == 0 })
	checkCentre(t, env.Centre, ids)
	for more := true; more; {
		if more, err = st.PullSlice(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(g.persons) != 449 {
		t.Fatalf("gallery holds %d persons, want 449", len(g.persons))
	}
	if _, gone := g.persons["SYN-7-0000003"]; gone {
		t.Fatal("deleted person still in the gallery")
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n == 0 {
		t.Fatalf("metrics: %d, %v", n, err)
	}
	if err := testutil.GatherAndCompare(reg, bytes.NewBufferString(`
# HELP enrolld_sync_uploads_total Packet upload attempts by result (acknowledged, conflict, rejected, bad_receipt, error, unreadable).
# TYPE enrolld_sync_uploads_total counter
enrolld_sync_uploads_total{result="acknowledged"} 20
`), "enrolld_sync_uploads_total"); err != nil {
		t.Fatal(err)
	}
	promtoolCheck(t, reg)
	if err := st.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A restarted station replays the cached slice into a fresh gallery.
	st, err = stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	g2 := &fakeGallery{persons: map[string]map[int][]byte{}}
	if n, err := st.LoadGallery(g2); err != nil || n != 449 {
		t.Fatalf("LoadGallery = %d, %v", n, err)
	}
	st.Close(context.Background())
	for _, f := range synctest.FindSignatures(data, signatures) {
		t.Error(f)
	}
	if n := countFiles(data); n < 20 {
		t.Fatalf("scanned only %d files", n)
	}
}

func TestOfflineLimits(t *testing.T) {
	env := synctest.New(t, nil)
	opt := env.StationOptions(t, t.TempDir(), "")
	opt.CentreURL = "" // offline
	opt.Limits = stsync.Limits{MaxUnsent: 3}
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3; i++ {
		if _, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rng, 100)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rng, 100)})
	if !errors.Is(err, stsync.ErrRefused) || st.Refusal().Reason != stsync.ReasonUnsentCount || st.Ready() {
		t.Fatalf("4th enrollment: %v (%v)", err, st.Refusal())
	}
}

// promtoolCheck runs `promtool check metrics` on the registry's exposition when promtool is
// installed (make deps installs it).
func promtoolCheck(t *testing.T, reg *prometheus.Registry) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool not installed; skipping the metrics lint")
		return
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestOfflineLimitAge(t *testing.T) {
	env := synctest.New(t, nil)
	opt := env.StationOptions(t, t.TempDir(), "")
	opt.CentreURL = ""
	opt.Limits = stsync.Limits{MaxUnsentAge: 50 * time.Millisecond}
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if _, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rand.New(rand.NewPCG(1, 1)), 10)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if r := st.Refusal(); r.Reason != stsync.ReasonUnsentAge || !strings.Contains(r.Detail, "oldest unsent") {
		t.Fatalf("refusal %v", r)
	}
}

// TestSliceResumesFromCursor pulls part of the slice, restarts the station, and pulls the rest:
// nothing is fetched twice and the local store ends up with the whole slice.
func TestSliceResumesFromCursor(t *testing.T) {
	env := synctest.New(t, central.SyntheticSlice(250, 1, 3))
	opt := env.StationOptions(t, t.TempDir(), "")
	opt.SliceBatch = 100
	g := &fakeGallery{persons: map[string]map[int][]byte{}}
	opt.Gallery = g
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	if more, err := st.PullSlice(context.Background()); err != nil || !more {
		t.Fatalf("first batch: more=%v err=%v", more, err)
	}
	st.Close(context.Background())
	st, err = stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if c, _ := st.Store().SliceCursor(); c != "100" {
		t.Fatalf("cursor after restart %q, want 100", c)
	}
	batches := 0
	for more := true; more; batches++ {
		if more, err = st.PullSlice(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if batches != 2 || len(g.persons) != 250 {
		t.Fatalf("%d more batches, gallery %d persons", batches, len(g.persons))
	}
	n := 0
	st.Store().SlicePersons(func(outbox.Person) bool { n++; return true })
	if n != 250 {
		t.Fatalf("local store holds %d persons", n)
	}
}
