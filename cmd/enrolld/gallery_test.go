package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
	"github.com/enrolld/enrolld/matcher/synth"
	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/synctest"
)

// synthSlice returns a register slice of synthetic persons P0…P(n-1), two fingers each.
func synthSlice(t *testing.T, n int) *central.Slice {
	s := central.NewSlice()
	for p := range n {
		addSynthPerson(t, s, p)
	}
	return s
}

func addSynthPerson(t *testing.T, s *central.Slice, p int) {
	sp := packet.SlicePerson{SubjectID: fmt.Sprintf("P%d", p), Templates: map[int][]byte{}}
	for _, pos := range []int{2, 7} {
		iso, err := matcher.EncodeISO(synth.NewFinger(synth.Options{}, 11, p, pos).Impression(11, p, pos, 0, uint8(pos)))
		if err != nil {
			t.Fatal(err)
		}
		sp.Templates[pos] = iso
	}
	s.Upsert(sp)
}

// galleryRig runs the sync and gallery subsystems of one daemon start on a fixed storage
// directory, as the daemon wires them.
type galleryRig struct {
	sync *syncSubsystem
	gal  *gallerySubsystem
	logs *syncBuffer
}

func startGalleryRig(t *testing.T, env *synctest.Env, storage string, delay time.Duration, tune ...func(*gallerySubsystem)) *galleryRig {
	t.Helper()
	r := &galleryRig{logs: &syncBuffer{}}
	reg := prometheus.NewPedanticRegistry()
	log := newLogger(r.logs, "json", &slog.LevelVar{})
	r.sync = newSync(syncConfig{Credentials: env.StationDir, CentreURL: "https://" + env.Addr}, storage, reg, log)
	cfg := galleryConfig{SnapshotDelay: delay}
	cfg.applyDefaults(storage)
	r.gal = newGallery(cfg, r.sync, reg, log)
	for _, f := range tune {
		f(r.gal)
	}
	if err := r.sync.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.gal.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// stop stops the gallery (which writes its snapshot) and then the outbox, as the daemon does.
func (r *galleryRig) stop(t *testing.T) {
	t.Helper()
	if err := r.gal.Stop(context.Background()); err != nil {
		t.Error(err)
	}
	if err := r.sync.Stop(context.Background()); err != nil {
		t.Error(err)
	}
}

func (r *galleryRig) loads(outcome string) float64 {
	return testutil.ToFloat64(r.gal.loads.WithLabelValues(outcome))
}

// waitPersons waits until the slice puller has brought the gallery to n persons.
func (r *galleryRig) waitPersons(t *testing.T, n int) {
	t.Helper()
	waitFor(t, func() bool { p, _ := r.gal.current().Len(); return p == n })
}

// searchFinds checks that a fresh impression of person p's fingers finds p first.
func searchFinds(t *testing.T, g *gallery.Gallery, p int) {
	t.Helper()
	var probe []*matcher.Template
	for _, pos := range []int{2, 7} {
		probe = append(probe, synth.NewFinger(synth.Options{}, 11, p, pos).Impression(11, p, pos, 3, uint8(pos)))
	}
	res, err := g.Search(context.Background(), probe, gallery.SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) == 0 || res.Candidates[0].SubjectID != fmt.Sprintf("P%d", p) || !res.Hit {
		t.Fatalf("search for P%d: hit %v, candidates %+v", p, res.Hit, res.Candidates)
	}
}

func TestGallerySnapshotAcrossRestarts(t *testing.T) {
	slice := synthSlice(t, 30)
	env := synctest.New(t, slice)
	storage := t.TempDir()
	snap := filepath.Join(storage, "gallery.snap")

	// First start: no snapshot, an empty outbox; the puller fills the gallery and the
	// saver writes the snapshot once the changes have settled.
	r := startGalleryRig(t, env, storage, 20*time.Millisecond)
	if r.loads(stsync.RestoreMissing) != 1 {
		t.Fatalf("first start: outcome counter missing = %v", r.loads(stsync.RestoreMissing))
	}
	r.waitPersons(t, 30)
	waitFor(t, func() bool {
		return strings.Contains(r.logs.String(), "gallery snapshot written") && !r.gal.dirty.Load()
	})
	r.stop(t)
	sealed, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(snap); fi.Mode().Perm() != 0o600 {
		t.Errorf("snapshot mode %v, want 0600", fi.Mode().Perm())
	}
	var plain bytes.Buffer
	r.gal.current().WriteSnapshot(&plain)
	for p := range 30 {
		person, _ := r.gal.current().Get(fmt.Sprintf("P%d", p))
		tpl := person.Fingers[7]
		if !bytes.Contains(plain.Bytes(), tpl) {
			t.Fatal("control: the plain snapshot does not hold the packed template")
		}
		if bytes.Contains(sealed, tpl) || bytes.Contains(sealed, tpl[:24]) {
			t.Fatalf("the sealed snapshot holds P%d's packed template in plain text", p)
		}
	}

	// Restart: the snapshot matches the outbox's cursor and is loaded, not rebuilt.
	r = startGalleryRig(t, env, storage, time.Hour)
	if r.loads(stsync.RestoreLoaded) != 1 || !strings.Contains(r.logs.String(), "gallery loaded from snapshot") {
		t.Fatalf("restart did not load the snapshot:\n%s", r.logs)
	}
	if p, _ := r.gal.current().Len(); p != 30 {
		t.Fatalf("loaded %d persons, want 30", p)
	}
	searchFinds(t, r.gal.current(), 12)

	// The centre changes the slice; the puller applies it, then the daemon dies before
	// it writes a snapshot (no gallery Stop): the snapshot is stale at the next start.
	addSynthPerson(t, slice, 30)
	r.sync.station.Load().PullSlice(context.Background())
	r.waitPersons(t, 31)
	r.gal.cancel()
	close(r.gal.stop)
	<-r.gal.done
	r.sync.Stop(context.Background())

	r = startGalleryRig(t, env, storage, time.Hour)
	if r.loads(stsync.RestoreStale) != 1 || !strings.Contains(r.logs.String(), "gallery snapshot not used") {
		t.Fatalf("stale snapshot not reported:\n%s", r.logs)
	}
	searchFinds(t, r.gal.current(), 30)
	waitFor(t, func() bool { return strings.Contains(r.logs.String(), "gallery snapshot written") })
	r.stop(t)

	// A damaged snapshot is reported and rebuilt from the outbox, never loaded.
	b, _ := os.ReadFile(snap)
	b[len(b)/2] ^= 0x10
	os.WriteFile(snap, b, 0o600)
	r = startGalleryRig(t, env, storage, time.Hour)
	if r.loads(stsync.RestoreDamaged) != 1 || !strings.Contains(r.logs.String(), `"outcome":"damaged"`) {
		t.Fatalf("damaged snapshot not reported:\n%s", r.logs)
	}
	searchFinds(t, r.gal.current(), 5)
	waitFor(t, func() bool { return strings.Contains(r.logs.String(), "gallery snapshot written") })
	r.stop(t)

	// The rebuilt gallery's fresh snapshot loads again.
	r = startGalleryRig(t, env, storage, time.Hour)
	defer r.stop(t)
	if r.loads(stsync.RestoreLoaded) != 1 {
		t.Fatalf("fresh snapshot not loaded:\n%s", r.logs)
	}
	searchFinds(t, r.gal.current(), 30)
	for _, bad := range []string{"P12", "P30", "FMR\x00"} {
		if strings.Contains(r.logs.String(), bad) {
			t.Errorf("logs mention %q", bad)
		}
	}
}

func TestGalleryConfig(t *testing.T) {
	for _, tc := range []struct {
		yaml, path, problem string
		delay               time.Duration
	}{
		{"station: {id: a}\nstorage: {path: /srv/e}\n", "/srv/e/gallery.snap", "", defaultSnapshotDelay},
		{"station: {id: a}\ngallery: {snapshot_path: /x/g.snap, snapshot_delay: 30s}\n", "/x/g.snap", "", 30 * time.Second},
		{"station: {id: a}\ngallery: {snapshot_delay: -1s}\n", "", "gallery.snapshot_delay: cannot be negative", 0},
		{"station: {id: a}\ngallery: {snapshot_pth: x}\n", "", `unknown key "snapshot_pth" in gallery`, 0},
	} {
		cfg, err := parseConfig([]byte(tc.yaml), nil)
		if tc.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: err = %v, want %q", tc.yaml, err, tc.problem)
			}
			continue
		}
		if err != nil || cfg.Gallery.SnapshotPath != tc.path || cfg.Gallery.SnapshotDelay != tc.delay {
			t.Errorf("%q: %+v, %v", tc.yaml, cfg.Gallery, err)
		}
	}
}

// TestGalleryRebuildReportsProgress checks that a restore tells systemd it is alive
// (EXTEND_TIMEOUT_USEC, so a long rebuild is not killed by TimeoutStartSec) from its start
// and what it ended with.
func TestGalleryRebuildReportsProgress(t *testing.T) {
	env := synctest.New(t, synthSlice(t, 30))
	storage := t.TempDir()
	r := startGalleryRig(t, env, storage, time.Hour)
	r.waitPersons(t, 30)
	r.stop(t)
	if err := os.Remove(filepath.Join(storage, "gallery.snap")); err != nil {
		t.Fatal(err)
	}

	sock := filepath.Join(t.TempDir(), "notify")
	sd := newFakeSystemd(t, sock)
	n := newNotifier(func(k string) string { return map[string]string{"NOTIFY_SOCKET": sock}[k] })
	r = startGalleryRig(t, env, storage, time.Hour, func(g *gallerySubsystem) { g.notify = n })
	defer r.stop(t)
	first := sd.expect(t, "EXTEND_TIMEOUT_USEC=60000000")
	if !strings.Contains(first, "STATUS=gallery: opening the snapshot") {
		t.Errorf("first progress datagram %q", first)
	}
	sd.expect(t, "STATUS=gallery: 30 persons (missing)")
}

// TestReportProgressTicks checks the periodic reports: each tick extends the start
// timeout, sends the current status and logs it; the final status ends them.
func TestReportProgressTicks(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	sd := newFakeSystemd(t, sock)
	logs := &syncBuffer{}
	g := &gallerySubsystem{log: newLogger(logs, "json", &slog.LevelVar{}), progressEvery: time.Millisecond,
		notify: newNotifier(func(k string) string { return map[string]string{"NOTIFY_SOCKET": sock}[k] })}
	var step atomic.Int64
	done := g.reportProgress(func() string { return fmt.Sprintf("step %d", step.Add(1)) })
	sd.expect(t, "STATUS=step 1")
	tick := sd.expect(t, "STATUS=step 3")
	if !strings.Contains(tick, "EXTEND_TIMEOUT_USEC=60000000") {
		t.Errorf("tick %q does not extend the start timeout", tick)
	}
	done("finished")
	sd.expect(t, "STATUS=finished")
	if !strings.Contains(logs.String(), `"status":"step 3"`) {
		t.Errorf("progress not logged:\n%s", logs.String())
	}
}
