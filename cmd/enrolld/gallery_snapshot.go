package main

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/enrolld/enrolld/matcher/gallery"
	stsync "github.com/enrolld/enrolld/sync"
)

// The gallery snapshot: sealed under the outbox key by package sync, written once slice
// changes have settled and at a clean stop, loaded at start when it still matches the
// outbox's slice cursor. The outbox stays the source of truth; a snapshot that cannot be
// used costs a rebuild and a warning, never data.

var _ stsync.SnapshotSource = (*gallery.Gallery)(nil)

// restore puts the gallery in place while the sync layer holds slice batches back: the
// snapshot when it is usable, else a gallery rebuilt from the outbox. A rebuilt gallery
// is marked changed so the saver writes a fresh snapshot at once.
func (g *gallerySubsystem) restore(st *stsync.Station) error {
	t0 := time.Now()
	var rebuilding atomic.Pointer[countingSink]
	done := g.reportProgress(func() string {
		if c := rebuilding.Load(); c != nil {
			return fmt.Sprintf("gallery: rebuilding from the outbox, %d persons so far", c.n.Load())
		}
		return "gallery: opening the snapshot"
	})
	res, err := st.RestoreGallery(g.cfg.SnapshotPath, func(r io.Reader) error {
		loaded, err := gallery.ReadSnapshot(r, gallery.Options{})
		if err == nil {
			g.g.Store(loaded) // replaced by rebuild if the file's end fails to authenticate
		}
		return err
	}, func() error {
		fresh := &countingSink{Gallery: gallery.New(gallery.Options{})}
		rebuilding.Store(fresh)
		if _, err := st.LoadGallery(fresh); err != nil {
			return err
		}
		g.g.Store(fresh.Gallery)
		return nil
	})
	persons, templates := g.current().Len()
	done(fmt.Sprintf("gallery: %d persons (%s)", persons, res.Outcome))
	g.loads.WithLabelValues(res.Outcome).Inc()
	if err != nil {
		return err
	}
	secs := time.Since(t0).Seconds()
	if res.Outcome == stsync.RestoreLoaded {
		g.log.Info("gallery loaded from snapshot", "persons", persons, "templates", templates,
			"seconds", secs, "path", g.cfg.SnapshotPath)
		return nil
	}
	if res.Outcome == stsync.RestoreMissing {
		g.log.Info("no gallery snapshot yet; gallery rebuilt from the outbox", "persons", persons,
			"templates", templates, "seconds", secs, "path", g.cfg.SnapshotPath)
	} else {
		g.log.Warn("gallery snapshot not used; gallery rebuilt from the outbox", "outcome", res.Outcome,
			"reason", res.Reason.Error(), "persons", persons, "templates", templates, "seconds", secs,
			"path", g.cfg.SnapshotPath)
	}
	g.dirty.Store(true)
	return nil
}

// saver writes the snapshot once no slice change has arrived for the configured delay
// (at once after a rebuild) until Stop.
func (g *gallerySubsystem) saver(ctx context.Context, st *stsync.Station) {
	defer close(g.done)
	t := time.NewTimer(g.cfg.SnapshotDelay)
	if g.dirty.Load() {
		t.Reset(0)
	} else {
		t.Stop()
	}
	defer t.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-g.changed:
			t.Reset(g.cfg.SnapshotDelay)
		case <-t.C:
			if g.dirty.Load() {
				g.save(ctx, st)
			}
		}
	}
}

// save writes the current gallery's snapshot; a failure is logged and retried after the
// next change or at stop.
func (g *gallerySubsystem) save(ctx context.Context, st *stsync.Station) {
	g.saveMu.Lock()
	defer g.saveMu.Unlock()
	g.dirty.Store(false) // a change while writing marks it again (and waits for the write)
	cur := g.current()
	t0 := time.Now()
	if _, err := st.SaveGallery(ctx, g.cfg.SnapshotPath, cur); err != nil {
		g.dirty.Store(true)
		g.log.Warn("gallery snapshot not written; the next start rebuilds from the outbox", "err", err,
			"path", g.cfg.SnapshotPath)
		return
	}
	persons, _ := cur.Len()
	g.log.Info("gallery snapshot written", "persons", persons, "seconds", time.Since(t0).Seconds(),
		"path", g.cfg.SnapshotPath)
}
