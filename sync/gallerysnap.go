package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/enrolld/enrolld/sync/outbox"
)

// Gallery snapshots let a restarted daemon search within seconds instead of rebuilding its
// gallery from the store (minutes at a million persons). The snapshot is sealed under the
// station's at-rest key (outbox.Store.SealSnapshot) and records the slice cursor it was taken
// at; it is used only when that cursor is still the store's. The store stays the source of
// truth: a snapshot that is missing, stale or damaged only costs a rebuild.

// SnapshotSource is a gallery that can write its snapshot (matcher/gallery.Gallery).
type SnapshotSource interface {
	WriteSnapshot(w io.Writer) error
	Bytes() int64 // memory held; bounds the snapshot's size for the free-space check
}

// ErrSnapshotStale means a gallery snapshot was taken at another slice cursor than the store's.
var ErrSnapshotStale = errors.New("sync: gallery snapshot is stale")

// Outcomes of RestoreGallery (Restored.Outcome; also the metric label the daemon uses).
const (
	RestoreLoaded   = "loaded"    // the snapshot was used
	RestoreMissing  = "missing"   // there is no snapshot file
	RestoreStale    = "stale"     // taken at another slice cursor
	RestoreWrongKey = "wrong_key" // sealed under another station key
	RestoreDamaged  = "damaged"   // truncated, tampered with or not a sealed snapshot
	RestoreRejected = "rejected"  // the loader refused it (another code version, say) or it could not be read
)

// Restored reports how RestoreGallery brought the gallery back.
type Restored struct {
	Outcome string // one of the Restore… constants
	Reason  error  // why the snapshot was not used; nil when loaded
	Cursor  string // the store's slice cursor
}

// RestoreGallery brings the gallery back after a start while no slice batch is applied: when
// the sealed snapshot at path opens under the station's key and records the store's current
// slice cursor, load gets its plain stream (it should build the gallery from it and put it in
// place only when it returns nil). Otherwise — or when load fails — rebuild is called to build
// the gallery from the store (with LoadGallery). The error is rebuild's. With
// Options.AwaitRestore, slice pulls start once RestoreGallery returns. Temporary files that an
// interrupted SaveGallery left beside path are removed.
func (st *Station) RestoreGallery(path string, load func(io.Reader) error, rebuild func() error) (Restored, error) {
	defer st.restore.Do(func() { close(st.restored) })
	st.sliceMu.Lock()
	defer st.sliceMu.Unlock()
	removeTemps(path)
	cursor, err := st.store.SliceCursor()
	if err != nil {
		return Restored{Outcome: RestoreRejected, Reason: err}, err
	}
	res := Restored{Outcome: RestoreLoaded, Cursor: cursor}
	if res.Reason = st.loadSnapshot(path, cursor, load); res.Reason == nil {
		return res, nil
	}
	res.Outcome = restoreOutcome(res.Reason)
	return res, rebuild()
}

// loadSnapshot opens the snapshot at path, checks its cursor and passes it to load, then reads
// on to its end so the final chunk is authenticated too.
func (st *Station) loadSnapshot(path, cursor string, load func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := st.store.OpenSnapshot(f)
	if err != nil {
		return err
	}
	defer r.Close()
	if r.Cursor() != cursor {
		return fmt.Errorf("%w: taken at slice cursor %q, the store is at %q", ErrSnapshotStale, r.Cursor(), cursor)
	}
	if err := load(r); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	return nil
}

// restoreOutcome classifies why a snapshot was not used.
func restoreOutcome(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return RestoreMissing
	case errors.Is(err, ErrSnapshotStale):
		return RestoreStale
	case errors.Is(err, outbox.ErrWrongKey):
		return RestoreWrongKey
	case errors.Is(err, outbox.ErrSnapshot):
		return RestoreDamaged
	default:
		return RestoreRejected
	}
}

// SaveGallery writes g's snapshot sealed under the station's key to path, recording the
// store's slice cursor, with slice batches held so the cursor matches g's contents exactly.
// The file is written beside path (mode 0600), synced and renamed over it, and the directory
// synced: a crash leaves the old snapshot or the new one. It is refused when the disk would
// fall below the store's free-space reserve. Cancelling ctx abandons the write (the previous
// snapshot stays).
func (st *Station) SaveGallery(ctx context.Context, path string, g SnapshotSource) (cursor string, err error) {
	st.sliceMu.Lock()
	defer st.sliceMu.Unlock()
	if cursor, err = st.store.SliceCursor(); err != nil {
		return "", err
	}
	if err := st.store.CheckSpace(g.Bytes()); err != nil {
		return "", fmt.Errorf("sync: gallery snapshot: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+"*")
	if err != nil {
		return "", fmt.Errorf("sync: gallery snapshot: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = writeSealed(ctx, st.store, tmp, cursor, g); err != nil {
		return "", fmt.Errorf("sync: gallery snapshot: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", fmt.Errorf("sync: gallery snapshot: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("sync: gallery snapshot: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("sync: gallery snapshot: %w", err)
	}
	return cursor, syncDir(filepath.Dir(path))
}

// writeSealed seals g's snapshot into f (created 0600 by os.CreateTemp).
func writeSealed(ctx context.Context, s *outbox.Store, f io.Writer, cursor string, g SnapshotSource) error {
	w, err := s.SealSnapshot(ctxWriter{ctx, f}, cursor)
	if err != nil {
		return err
	}
	if err := g.WriteSnapshot(w); err != nil {
		return err
	}
	return w.Close()
}

// tempPrefix is the name prefix of SaveGallery's temporary files for path.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp" }

// removeTemps deletes temporary files of an interrupted SaveGallery (a crash, or a stop whose
// deadline passed during the write).
func removeTemps(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix(path)) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// ctxWriter fails writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync: gallery snapshot: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync: gallery snapshot: sync %s: %w", dir, err)
	}
	return nil
}
