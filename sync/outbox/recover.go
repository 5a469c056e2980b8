package outbox

import (
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// recover brings the store to a consistent state after a crash: entries caught in "sending"
// go back to "queued" (the upload resumes; the centre de-duplicates), sealed files without a
// committed entry (a crash between file and transaction) are removed, and a purge interrupted
// after deleting the file is completed. It also rebuilds the per-state counts.
func (s *Store) recover() error {
	blobs, err := s.blobIDs()
	if err != nil {
		return fmt.Errorf("outbox: recover: %w", err)
	}
	var sending, finishPurge []string
	var missing []string
	err = s.Scan(false, func(e Entry) bool {
		s.counts[e.State]++
		has := blobs[e.ID]
		delete(blobs, e.ID)
		switch {
		case e.State == Sending:
			sending = append(sending, e.ID)
		case e.State == Acknowledged && !has:
			finishPurge = append(finishPurge, e.ID)
		case e.State.Unsent() && !has:
			missing = append(missing, e.ID)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("outbox: recover: %w", err)
	}
	for id := range blobs {
		s.log.Info("outbox: removing sealed file of an uncommitted enrollment", "packet", id)
		if err := s.removeBlob(id); err != nil {
			return err
		}
	}
	for _, id := range sending {
		if _, err := s.transition(id, "", func(e *Entry) (string, error) { e.State = Queued; return "", nil }); err != nil {
			return err
		}
	}
	for _, id := range finishPurge {
		if err := s.markPurged(id); err != nil {
			return err
		}
	}
	for _, id := range missing {
		s.log.Error("outbox: sealed file missing for an unsent packet", "packet", id)
	}
	return s.update("advance head", s.advanceHead)
}

var keyPurgeHead = []byte("m/purgehead")

// Purge deletes the sealed files of packets acknowledged before now-retention and marks them
// purged; the queue entry and its receipt stay as evidence. It returns how many it purged.
// Scans start at a persisted purge cursor (everything before it is purged already).
func (s *Store) Purge(now time.Time, retention time.Duration) (int, error) {
	var ids []string
	var start string
	if err := s.view("purge head", func(txn *badger.Txn) error { _, err := s.get(txn, keyPurgeHead, &start); return err }); err != nil {
		return 0, err
	}
	newHead, settled := start, true
	err := s.scanFrom(queueKey(start), func(e Entry) bool {
		eligible := e.State == Acknowledged && len(e.Receipt) > 0 && now.Sub(e.AckedAt) >= retention
		if eligible {
			ids = append(ids, e.ID)
		}
		if settled && (eligible || e.State == Purged) {
			newHead = e.ID + "\x00"
		} else {
			settled = false
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		if err := s.removeBlob(id); err != nil {
			return i, err
		}
		if err := s.markPurged(id); err != nil {
			return i, err
		}
	}
	if newHead != start {
		err = s.update("purge head", func(txn *badger.Txn) error { return s.put(txn, keyPurgeHead, newHead) })
	}
	return len(ids), err
}

func (s *Store) markPurged(id string) error {
	_, err := s.transition(id, "purged", func(e *Entry) (string, error) {
		if e.State != Acknowledged || len(e.Receipt) == 0 {
			return "", fmt.Errorf("%w: purging %s in state %s without a receipt", ErrState, id, e.State)
		}
		e.State, e.PurgedAt = Purged, time.Now().UTC()
		return "", nil
	})
	return err
}

// Stats is a snapshot of the queue for metrics and the offline limits.
type Stats struct {
	Counts       map[State]int
	Unsent       int
	OldestUnsent time.Time // creation time of the oldest unsent packet; zero if none
}

// Stats returns the per-state counts and the oldest unsent packet's age.
func (s *Store) Stats() (Stats, error) {
	st := Stats{Counts: map[State]int{}}
	s.mu.Lock()
	for k, v := range s.counts {
		st.Counts[k] = v
		if k.Unsent() {
			st.Unsent += v
		}
	}
	s.mu.Unlock()
	if st.Unsent == 0 {
		return st, nil
	}
	err := s.Scan(true, func(e Entry) bool {
		if e.State.Unsent() {
			st.OldestUnsent = e.Created
			return false
		}
		return true
	})
	return st, err
}
