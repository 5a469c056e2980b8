package main

import (
	"context"
	"log/slog"
	"path/filepath"
	stdsync "sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/matcher/gallery"
	stsync "github.com/enrolld/enrolld/sync"
)

// galleryConfig is the gallery section: where the 1:N gallery keeps its snapshot.
type galleryConfig struct {
	// SnapshotPath is the gallery snapshot, sealed under the outbox key (default
	// <storage.path>/gallery.snap). A restarted daemon loads it in seconds instead of
	// rebuilding the gallery from the outbox's copy of the register slice.
	SnapshotPath string `yaml:"snapshot_path"`
	// SnapshotDelay is how long slice changes must have settled before the snapshot is
	// rewritten (default 5m); it is also written at a clean stop.
	SnapshotDelay time.Duration `yaml:"snapshot_delay"`
}

// defaultSnapshotDelay is the default of gallery.snapshot_delay.
const defaultSnapshotDelay = 5 * time.Minute

func (c *galleryConfig) applyDefaults(storage string) {
	if c.SnapshotPath == "" {
		c.SnapshotPath = filepath.Join(storage, "gallery.snap")
	}
	if c.SnapshotDelay == 0 {
		c.SnapshotDelay = defaultSnapshotDelay
	}
}

func (c galleryConfig) validate(p *problems) {
	if c.SnapshotDelay < 0 {
		p.addf("gallery.snapshot_delay", "cannot be negative")
	}
	if c.SnapshotPath != "" && !filepath.IsAbs(c.SnapshotPath) && filepath.Base(c.SnapshotPath) == "." {
		p.addf("gallery.snapshot_path", "%q is not a file name", c.SnapshotPath)
	}
}

// gallerySubsystem holds the 1:N gallery: the station's cached slice of the register,
// fed by the sync layer's slice pulls and searched by the desk. At start it loads the
// sealed snapshot when that matches the outbox's slice cursor, and otherwise rebuilds
// the gallery from the outbox's copy of the slice; it rewrites the snapshot once slice
// changes have settled and at a clean stop. It is the sync layer's GallerySink and
// forwards every change to the current gallery.
type gallerySubsystem struct {
	cfg   galleryConfig
	g     atomic.Pointer[gallery.Gallery]
	sync  *syncSubsystem
	log   *slog.Logger
	reg   prometheus.Registerer
	loads *prometheus.CounterVec

	dirty   atomic.Bool   // slice changes since the last snapshot
	changed chan struct{} // signals the saver that a change arrived
	stop    chan struct{}
	done    chan struct{} // closed when the saver has ended
	saveMu  stdsync.Mutex // one snapshot write at a time
	started *stsync.Station
	cancel  context.CancelFunc // abandons the saver's write in progress

	notify        *notifier     // systemd, told of a long restore's progress (nil: none)
	progressEvery time.Duration // how often a restore reports progress
}

func newGallery(cfg galleryConfig, s *syncSubsystem, reg prometheus.Registerer, log *slog.Logger) *gallerySubsystem {
	g := &gallerySubsystem{cfg: cfg, sync: s, log: log, reg: reg, changed: make(chan struct{}, 1),
		progressEvery: defaultProgressEvery,
		loads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "enrolld_gallery_snapshot_loads_total",
			Help: "Gallery snapshot loads at start by outcome (loaded, missing, stale, wrong_key, damaged, rejected); all but loaded rebuild the gallery from the outbox.",
		}, []string{"outcome"})}
	for _, o := range []string{stsync.RestoreLoaded, stsync.RestoreMissing, stsync.RestoreStale,
		stsync.RestoreWrongKey, stsync.RestoreDamaged, stsync.RestoreRejected} {
		g.loads.WithLabelValues(o)
	}
	g.g.Store(gallery.New(gallery.Options{}))
	s.gallery = g // slice changes flow into the gallery as they are applied
	s.awaitRestore = true
	return g
}

func (g *gallerySubsystem) Name() string { return "gallery" }

// current returns the gallery searches should use.
func (g *gallerySubsystem) current() *gallery.Gallery { return g.g.Load() }

// Upsert applies a slice change to the current gallery (sync.GallerySink).
func (g *gallerySubsystem) Upsert(subjectID string, templates map[int][]byte) error {
	defer g.touch()
	return g.current().Upsert(subjectID, templates)
}

// Delete applies a slice deletion to the current gallery (sync.GallerySink).
func (g *gallerySubsystem) Delete(subjectID string) error {
	defer g.touch()
	return g.current().Delete(subjectID)
}

// touch marks the gallery changed since its snapshot and wakes the saver.
func (g *gallerySubsystem) touch() {
	g.dirty.Store(true)
	select {
	case g.changed <- struct{}{}:
	default:
	}
}

// Start restores the gallery (snapshot or rebuild) before the slice puller applies
// anything, then starts the snapshot saver.
func (g *gallerySubsystem) Start(ctx context.Context) error {
	st := g.sync.station.Load()
	if st == nil {
		return g.register()
	}
	if err := g.restore(st); err != nil {
		return err
	}
	if err := g.register(); err != nil {
		return err
	}
	g.started, g.stop, g.done = st, make(chan struct{}), make(chan struct{})
	saveCtx, cancel := context.WithCancel(context.Background())
	g.cancel = cancel
	go g.saver(saveCtx, st)
	return nil
}

// register registers the current gallery's metrics and the snapshot load counter.
func (g *gallerySubsystem) register() error {
	if err := g.reg.Register(g.current().Collector()); err != nil {
		return err
	}
	if err := g.reg.Register(g.loads); err != nil {
		g.reg.Unregister(g.current().Collector())
		return err
	}
	return nil
}

// Stop ends the saver and, when the slice changed since the last snapshot, writes one
// (abandoned, keeping the previous snapshot, if ctx ends first). It unregisters the metrics.
func (g *gallerySubsystem) Stop(ctx context.Context) error {
	defer g.reg.Unregister(g.loads)
	defer g.reg.Unregister(g.current().Collector())
	if g.started == nil {
		return nil
	}
	close(g.stop)
	select {
	case <-g.done:
	case <-ctx.Done():
		g.cancel()
		<-g.done
	}
	g.cancel()
	if g.dirty.Load() {
		g.save(ctx, g.started)
	}
	return nil
}
