package main

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/enrolld/enrolld/matcher/gallery"
)

// restoreExtension is how much longer systemd is asked to wait for start-up at each
// progress report of a gallery restore: well over the report interval, so one late report
// does not get a rebuild that is still progressing killed by TimeoutStartSec.
const restoreExtension = 60 * time.Second

// defaultProgressEvery is how often a gallery restore reports its progress.
const defaultProgressEvery = 10 * time.Second

// countingSink counts the persons a rebuild has put into its gallery.
type countingSink struct {
	*gallery.Gallery
	n atomic.Int64
}

// Upsert counts the person and adds it to the gallery.
func (c *countingSink) Upsert(subjectID string, templates map[int][]byte) error {
	c.n.Add(1)
	return c.Gallery.Upsert(subjectID, templates)
}

// reportProgress tells systemd (EXTEND_TIMEOUT_USEC and STATUS) at once and then every
// g.progressEvery, and the log at every tick, what the gallery restore is doing, until
// the returned function is called with the final status. Rebuilding the gallery of a
// large slice takes minutes, longer than the unit's start timeout: without the reports
// systemd would kill the rebuild and restart it, forever. Statuses carry counts only.
func (g *gallerySubsystem) reportProgress(status func() string) (done func(final string)) {
	send := func(s string) {
		g.notify.send(fmt.Sprintf("EXTEND_TIMEOUT_USEC=%d", restoreExtension.Microseconds()), "STATUS="+s)
	}
	send(status())
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(g.progressEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				s := status()
				send(s)
				g.log.Info("gallery restore in progress", "status", s)
			}
		}
	}()
	return func(final string) {
		close(stop)
		<-stopped
		send(final)
	}
}
