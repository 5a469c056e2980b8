package sync

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/enrolld/enrolld/sync/link"
	"github.com/enrolld/enrolld/sync/outbox"
)

// backoff returns an "equal jitter" delay for the given attempt: uniformly between half and all
// of base·2^attempt, capped at max.
func backoff(base, limit time.Duration, attempt int) time.Duration {
	d := limit
	if x := base << min(max(attempt, 0), 30); x > 0 && x < limit {
		d = x
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

type uploadResult struct {
	id        string
	transient bool // a network/centre problem: slow everyone down
	ok        bool
}

// uploadLoop dispatches due packets to at most Concurrency parallel uploads. After transient
// failures the whole loop pauses with growing, jittered delays (the link is probably down);
// the first success resets it. It resumes after a restart from the persisted queue.
func (st *Station) uploadLoop() {
	defer st.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan uploadResult, st.opt.Concurrency)
	inflight := map[string]bool{}
	fails := 0
	var pauseUntil time.Time
	for {
		if now := time.Now(); len(inflight) < st.opt.Concurrency && !now.Before(pauseUntil) {
			due, err := st.store.Due(now, st.opt.Concurrency-len(inflight), func(id string) bool { return inflight[id] })
			if err != nil {
				st.log.Error("sync: scanning the queue", "err", err)
			}
			for _, e := range due {
				inflight[e.ID] = true
				go func(e outbox.Entry) { results <- st.uploadOne(ctx, e) }(e)
			}
		}
		wait := time.Second
		if d := time.Until(pauseUntil); d > 0 {
			wait = d
		}
		t := time.NewTimer(wait)
		select {
		case r := <-results:
			delete(inflight, r.id)
			switch {
			case r.ok:
				fails, pauseUntil = 0, time.Time{}
			case r.transient:
				fails++
				pauseUntil = time.Now().Add(backoff(st.opt.BackoffBase, st.opt.BackoffMax, fails-1))
			}
		case <-st.kick:
		case <-t.C:
		case <-st.stop:
			t.Stop()
			cancel()
			for range inflight {
				<-results
			}
			return
		}
		t.Stop()
	}
}

// uploadOne runs one attempt for one packet and records the outcome in the outbox.
func (st *Station) uploadOne(ctx context.Context, e outbox.Entry) uploadResult {
	res := uploadResult{id: e.ID}
	e, err := st.store.MarkSending(e.ID)
	if err != nil {
		return res
	}
	sealed, err := st.store.Sealed(e)
	if err != nil {
		st.log.Error("sync: sealed packet unreadable; raising an alarm", "packet", e.ID, "err", err)
		st.store.MarkConflict(e.ID, err)
		st.metrics.uploads.WithLabelValues("unreadable").Inc()
		return res
	}
	start := time.Now()
	_, raw, err := st.client.PutPacket(ctx, e.ID, e.ContentHash, sealed)
	st.metrics.uploadSeconds.Observe(time.Since(start).Seconds())
	switch {
	case err == nil:
		if err := st.store.MarkAcknowledged(e.ID, raw); err != nil {
			st.log.Error("sync: storing receipt", "packet", e.ID, "err", err)
			return res
		}
		st.metrics.uploads.WithLabelValues("acknowledged").Inc()
		st.metrics.sentBytes.Add(float64(len(sealed)))
		st.metrics.lastSuccess.SetToCurrentTime()
		res.ok = true
	case errors.Is(err, link.ErrConflict), errors.Is(err, link.ErrRejected):
		st.log.Error("sync: centre refused packet; alarm raised, not retrying", "packet", e.ID, "err", err)
		st.store.MarkConflict(e.ID, err)
		st.metrics.uploads.WithLabelValues(map[bool]string{true: "conflict", false: "rejected"}[errors.Is(err, link.ErrConflict)]).Inc()
	default:
		result := "error"
		if errors.Is(err, link.ErrBadReceipt) {
			result = "bad_receipt"
			st.log.Warn("sync: receipt did not verify; will retry", "packet", e.ID, "err", err)
		}
		st.metrics.uploads.WithLabelValues(result).Inc()
		next := time.Now().Add(backoff(st.opt.BackoffBase, st.opt.BackoffMax, e.Attempts)) // Attempts: earlier failures
		if ctx.Err() != nil {
			next = time.Now() // shutting down: not the packet's fault
		}
		st.store.MarkRetry(e.ID, err, next)
		res.transient = ctx.Err() == nil
	}
	return res
}

// purgeLoop deletes the sealed files of packets acknowledged longer ago than the retention.
func (st *Station) purgeLoop() {
	defer st.wg.Done()
	t := time.NewTicker(st.opt.PurgeEvery)
	defer t.Stop()
	for {
		select {
		case <-st.stop:
			return
		case <-t.C:
			if n, err := st.store.Purge(time.Now(), st.opt.Retention); err != nil {
				st.log.Error("sync: purge", "err", err)
			} else if n > 0 {
				st.log.Info("sync: purged acknowledged packets", "count", n)
			}
		}
	}
}
