package sync_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/synctest"
)

// snapGallery is a fake gallery whose snapshot is its ISO records in plain text, so a snapshot
// written unsealed would show the ISO/IEC 19794-2 signature to the plain-text scan.
type snapGallery struct{ fakeGallery }

func newSnapGallery() *snapGallery {
	return &snapGallery{fakeGallery{persons: map[string]map[int][]byte{}}}
}

func (g *snapGallery) plain() []byte {
	var b bytes.Buffer
	ids := make([]string, 0, len(g.persons))
	for id := range g.persons {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		b.WriteString(id + "\n")
		for pos := 1; pos <= 10; pos++ {
			b.Write(g.persons[id][pos])
		}
	}
	return b.Bytes()
}

func (g *snapGallery) WriteSnapshot(w io.Writer) error { _, err := w.Write(g.plain()); return err }
func (g *snapGallery) Bytes() int64                    { return int64(len(g.plain())) }

// pullAll applies batches until the station is up to date.
func pullAll(t *testing.T, st *stsync.Station) {
	t.Helper()
	for more := true; more; {
		var err error
		if more, err = st.PullSlice(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGallerySnapshotSaveRestore(t *testing.T) {
	env := synctest.New(t, central.SyntheticSlice(60, 2, 7))
	data := t.TempDir()
	opt := env.StationOptions(t, data, "")
	opt.SliceBatch = 25
	g := newSnapGallery()
	opt.Gallery = g
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	snaps := filepath.Join(data, "snap")
	os.Mkdir(snaps, 0o700)
	path := func(name string) string { return filepath.Join(snaps, name) }
	if _, err := st.PullSlice(context.Background()); err != nil { // one batch of three
		t.Fatal(err)
	}
	if _, err := st.SaveGallery(context.Background(), path("stale"), g); err != nil {
		t.Fatal(err)
	}
	pullAll(t, st)
	want := g.plain()
	if !bytes.Contains(want, signatures["ISO 19794-2"]) {
		t.Fatal("control: the fake snapshot carries no ISO record")
	}
	cursor, err := st.SaveGallery(context.Background(), path("good"), g)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path("good")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot file: %v, %v (want mode 0600)", fi, err)
	}
	good, _ := os.ReadFile(path("good"))
	damaged := bytes.Clone(good)
	damaged[len(damaged)/2] ^= 1
	os.WriteFile(path("damaged"), damaged, 0o600)
	os.WriteFile(path("truncated"), good[:len(good)-20], 0o600)
	os.WriteFile(path("wrongkey"), sealedUnderOtherKey(t, cursor, want), 0o600)
	for _, f := range synctest.FindSignatures(data, signatures) {
		t.Error(f)
	}
	st.Close(context.Background())

	opt.AwaitRestore = true
	for _, tc := range []struct {
		file, outcome string
		loadErr       error
	}{
		{"good", stsync.RestoreLoaded, nil},
		{"absent", stsync.RestoreMissing, nil},
		{"stale", stsync.RestoreStale, nil},
		{"damaged", stsync.RestoreDamaged, nil},
		{"truncated", stsync.RestoreDamaged, nil},
		{"wrongkey", stsync.RestoreWrongKey, nil},
		{"good", stsync.RestoreRejected, errors.New("gallery: code version 9")},
	} {
		t.Run(tc.outcome+"/"+tc.file, func(t *testing.T) {
			st, err := stsync.Open(opt)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close(context.Background())
			var loaded []byte
			rebuilt := false
			res, err := st.RestoreGallery(path(tc.file), func(r io.Reader) error {
				b, err := io.ReadAll(r)
				loaded = b
				if err == nil {
					err = tc.loadErr
				}
				return err
			}, func() error { rebuilt = true; return nil })
			if err != nil || res.Outcome != tc.outcome || res.Cursor != cursor {
				t.Fatalf("RestoreGallery = %+v, %v; want outcome %s at cursor %s", res, err, tc.outcome, cursor)
			}
			if rebuilt != (tc.outcome != stsync.RestoreLoaded) || (res.Reason == nil) != !rebuilt {
				t.Fatalf("rebuilt %v with reason %v", rebuilt, res.Reason)
			}
			if !rebuilt && !bytes.Equal(loaded, want) {
				t.Fatalf("loaded %d bytes, want the %d saved", len(loaded), len(want))
			}
		})
	}
}

// sealedUnderOtherKey seals plain as a snapshot at cursor under another station's key.
func sealedUnderOtherKey(t *testing.T, cursor string, plain []byte) []byte {
	s, err := outbox.Open(outbox.Options{Dir: t.TempDir(), Key: [32]byte{42}, BallastSize: -1, ReserveFree: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var b bytes.Buffer
	w, err := s.SealSnapshot(&b, cursor)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	return b.Bytes()
}

// TestAwaitRestore: with AwaitRestore the slice puller applies nothing before RestoreGallery.
func TestAwaitRestore(t *testing.T) {
	env := synctest.New(t, central.SyntheticSlice(30, 1, 3))
	opt := env.StationOptions(t, t.TempDir(), "")
	opt.SlicePoll, opt.AwaitRestore = time.Hour, true
	g := newSnapGallery()
	opt.Gallery = g
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	time.Sleep(200 * time.Millisecond)
	if c, _ := st.Store().SliceCursor(); c != "" {
		t.Fatalf("a batch was applied before the gallery was restored (cursor %q)", c)
	}
	dir := t.TempDir()
	leftover := filepath.Join(dir, ".none.tmp123456")
	os.WriteFile(leftover, []byte("sealed bytes of an interrupted write"), 0o600)
	res, err := st.RestoreGallery(filepath.Join(dir, "none"), func(io.Reader) error { return nil },
		func() error { return nil })
	if err != nil || res.Outcome != stsync.RestoreMissing {
		t.Fatalf("RestoreGallery = %+v, %v", res, err)
	}
	if _, err := os.Stat(leftover); err == nil {
		t.Error("the temporary file of an interrupted save is still there")
	}
	waitFor(t, "slice pulls after the restore", 10*time.Second, func() bool {
		c, _ := st.Store().SliceCursor()
		return c != ""
	})
}
