package sync

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
)

// GallerySink is the matcher gallery as the slice puller sees it. Upsert adds or replaces a
// person (ISO/IEC 19794-2 templates keyed by finger position 1–10); Delete removes one (a
// missing subject is not an error). Both must be idempotent: after a crash the last batch may
// be applied again.
type GallerySink interface {
	Upsert(subjectID string, templates map[int][]byte) error
	Delete(subjectID string) error
}

// BatchSink is optionally implemented by a GallerySink that can apply a whole batch
// atomically (searches see all of it or none of it). The puller prefers it.
type BatchSink interface {
	ApplyBatch(upserts []outbox.Person, deletes []string) error
}

// sliceLoop pulls register-slice batches: immediately while the centre says more are waiting,
// otherwise every SlicePoll. A batch that fails verification is rejected whole; the old slice
// stays and the pull is retried later.
func (st *Station) sliceLoop() {
	defer st.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-st.stop; cancel() }()
	select {
	case <-st.restored:
	case <-st.stop:
		return
	}
	fails := 0
	for {
		more, err := st.PullSlice(ctx)
		wait := st.opt.SlicePoll
		switch {
		case err != nil && ctx.Err() == nil:
			fails++
			wait = backoff(st.opt.BackoffBase, st.opt.BackoffMax, fails-1)
			st.log.Warn("sync: slice pull failed", "err", err)
		case more:
			fails, wait = 0, 0
		default:
			fails = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-st.stop:
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// PullSlice fetches and applies one batch; it reports whether more are waiting. Batches are
// applied one at a time, never while the gallery is saved or restored.
func (st *Station) PullSlice(ctx context.Context) (more bool, err error) {
	st.pullMu.Lock()
	defer st.pullMu.Unlock()
	cursor, err := st.store.SliceCursor()
	if err != nil {
		return false, err
	}
	b, err := st.client.SliceChanges(ctx, cursor, st.opt.SliceBatch)
	if err != nil {
		st.metrics.sliceBatches.WithLabelValues("rejected").Inc()
		return false, err
	}
	st.sliceMu.Lock()
	err = st.applyBatch(b)
	st.sliceMu.Unlock()
	if err != nil {
		st.metrics.sliceBatches.WithLabelValues("error").Inc()
		return false, err
	}
	st.metrics.sliceBatches.WithLabelValues("applied").Inc()
	st.metrics.slicePersons.Add(float64(len(b.Upserts) + len(b.Deletes)))
	if c, err := strconv.ParseFloat(b.Cursor, 64); err == nil {
		st.metrics.sliceCursor.Set(c)
	}
	if !b.More {
		st.metrics.sliceUpToDate.SetToCurrentTime()
		st.metrics.upToDate.Store(time.Now().UnixNano())
	}
	return b.More, nil
}

// applyBatch applies a verified batch to the gallery first and then, with the new cursor, to the
// local store in one transaction. A crash between the two re-fetches the same batch after the
// restart, and the sink applies it again (idempotently).
func (st *Station) applyBatch(b *packet.SliceBatch) error {
	ups := make([]outbox.Person, len(b.Upserts))
	for i, p := range b.Upserts {
		ups[i] = outbox.Person{SubjectID: p.SubjectID, Templates: p.Templates}
	}
	if g := st.opt.Gallery; g != nil {
		if bs, ok := g.(BatchSink); ok {
			if err := bs.ApplyBatch(ups, b.Deletes); err != nil {
				return fmt.Errorf("sync: gallery: %w", err)
			}
		} else {
			for _, p := range ups {
				if err := g.Upsert(p.SubjectID, p.Templates); err != nil {
					return fmt.Errorf("sync: gallery upsert: %w", err)
				}
			}
			for _, id := range b.Deletes {
				if err := g.Delete(id); err != nil {
					return fmt.Errorf("sync: gallery delete: %w", err)
				}
			}
		}
	}
	return st.store.ApplySlice(b.Cursor, ups, b.Deletes)
}

// LoadGallery replays the locally cached slice into sink (at start-up, when the gallery has no
// snapshot of its own). It does not hold slice pulls; RestoreGallery does.
func (st *Station) LoadGallery(sink GallerySink) (int, error) {
	n := 0
	var serr error
	err := st.store.SlicePersons(func(p outbox.Person) bool {
		serr = sink.Upsert(p.SubjectID, p.Templates)
		n++
		return serr == nil
	})
	if err == nil {
		err = serr
	}
	return n, err
}
