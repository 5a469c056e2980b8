package sync_test

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
	"github.com/enrolld/enrolld/matcher/synth"
	"github.com/enrolld/enrolld/sync/outbox"
)

// benchStore opens an outbox in a temporary directory (for its snapshot key).
func benchStore(tb testing.TB, dir string) *outbox.Store {
	tb.Helper()
	s, err := outbox.Open(outbox.Options{Dir: dir, Key: [32]byte{7}, BallastSize: -1, ReserveFree: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// loadSealed opens a sealed snapshot and loads the gallery in it, reading to the end.
func loadSealed(tb testing.TB, s *outbox.Store, r io.Reader) *gallery.Gallery {
	tb.Helper()
	sr, err := s.OpenSnapshot(r)
	if err != nil {
		tb.Fatal(err)
	}
	defer sr.Close()
	g, err := gallery.ReadSnapshot(sr, gallery.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, sr); err != nil {
		tb.Fatal(err)
	}
	return g
}

// BenchmarkSealedGalleryLoad measures decrypting and loading a sealed snapshot of 2000
// synthetic ten-finger persons from memory (MB/s of sealed file), against the plain load.
func BenchmarkSealedGalleryLoad(b *testing.B) {
	g := gallery.New(gallery.Options{})
	for p := range 2000 {
		tpl := synth.Person(synth.Options{}, 3, p, 0)
		person := gallery.Person{SubjectID: "S" + string(rune('A'+p%26)) + time.Duration(p).String()}
		for f, t := range tpl {
			person.Fingers[f+1] = matcher.Pack(t)
		}
		if err := g.Put(&person); err != nil {
			b.Fatal(err)
		}
	}
	s := benchStore(b, b.TempDir())
	var plain, sealed bytes.Buffer
	g.WriteSnapshot(&plain)
	w, _ := s.SealSnapshot(&sealed, "c")
	w.Write(plain.Bytes())
	w.Close()
	b.Run("sealed", func(b *testing.B) {
		b.SetBytes(int64(sealed.Len()))
		for b.Loop() {
			loadSealed(b, s, bytes.NewReader(sealed.Bytes()))
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(plain.Len()))
		for b.Loop() {
			if _, err := gallery.ReadSnapshot(bytes.NewReader(plain.Bytes()), gallery.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSealedMillion times a million-person snapshot: it loads the plain snapshot named by
// ENROLLD_GALLERY_SNAP (read only, e.g. from `enrollctl synth gallery`), seals it to a
// temporary file beside $TMPDIR, and loads that back, logging seconds for each. It needs
// about 6 GB of memory and twice the snapshot's size on disk.
//
//	ENROLLD_GALLERY_SNAP=/tmp/g1m.snap go test ./sync -run TestSealedMillion -v
func TestSealedMillion(t *testing.T) {
	src := os.Getenv("ENROLLD_GALLERY_SNAP")
	if src == "" {
		t.Skip("set ENROLLD_GALLERY_SNAP to a plain gallery snapshot to time sealed loading")
	}
	plainLoad := func() (*gallery.Gallery, time.Duration) {
		f, err := os.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		t0 := time.Now()
		g, err := gallery.ReadSnapshot(f, gallery.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return g, time.Since(t0)
	}
	g, d := plainLoad()
	persons, templates := g.Len()
	t.Logf("plain load: %d persons, %d templates in %.2f s", persons, templates, d.Seconds())

	s := benchStore(t, t.TempDir())
	tmp, err := os.CreateTemp(os.TempDir(), "gsnap-sealed-*.snap")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	t0 := time.Now()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	w, _ := s.SealSnapshot(bw, "1000000")
	if err := g.WriteSnapshot(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil || bw.Flush() != nil || tmp.Sync() != nil {
		t.Fatal("sealing failed", err)
	}
	fi, _ := tmp.Stat()
	t.Logf("sealed write: %.2f GB in %.2f s (with fsync)", float64(fi.Size())/1e9, time.Since(t0).Seconds())
	g = nil
	runtime.GC()

	f, err := os.Open(filepath.Clean(tmp.Name()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t0 = time.Now()
	g2 := loadSealed(t, s, f)
	d2 := time.Since(t0)
	if p, tp := g2.Len(); p != persons || tp != templates {
		t.Fatalf("sealed load: %d persons, %d templates", p, tp)
	}
	t.Logf("sealed load: %.2f s (%.0f MB/s)", d2.Seconds(), float64(fi.Size())/1e6/d2.Seconds())
	g2 = nil
	runtime.GC()
	_, d = plainLoad()
	t.Logf("plain load again: %.2f s", d.Seconds())
}
