package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/matcher/gallery"
)

// gallerySubsystem holds the 1:N gallery: the station's cached slice of the
// register, fed by the sync layer's slice pulls and searched by the desk. After a
// restart it is rebuilt from the outbox's local copy of the slice.
type gallerySubsystem struct {
	g    *gallery.Gallery
	sync *syncSubsystem
	log  *slog.Logger
	reg  prometheus.Registerer
}

func newGallery(s *syncSubsystem, reg prometheus.Registerer, log *slog.Logger) *gallerySubsystem {
	g := &gallerySubsystem{g: gallery.New(gallery.Options{}), sync: s, log: log, reg: reg}
	s.gallery = g.g // slice changes flow into the gallery as they are applied
	return g
}

func (g *gallerySubsystem) Name() string { return "gallery" }

// Start loads the slice the outbox already holds into the gallery.
func (g *gallerySubsystem) Start(ctx context.Context) error {
	if err := g.reg.Register(g.g.Collector()); err != nil {
		return err
	}
	st := g.sync.station.Load()
	if st == nil {
		return nil
	}
	n, err := st.LoadGallery(g.g)
	if err != nil {
		return err
	}
	persons, templates := g.g.Len()
	g.log.Info("gallery loaded", "persons", persons, "templates", templates, "loaded", n)
	return nil
}

// Stop unregisters the gallery's metrics; the gallery itself lives in memory.
func (g *gallerySubsystem) Stop(context.Context) error {
	g.reg.Unregister(g.g.Collector())
	return nil
}
