package outbox

import (
	"encoding/binary"
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// Get returns one queue entry.
func (s *Store) Get(id string) (Entry, error) {
	var e Entry
	err := s.view("get", func(txn *badger.Txn) error {
		found, err := s.get(txn, queueKey(id), &e)
		if err == nil && !found {
			err = fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		return err
	})
	s.overlay(&e)
	return e, err
}

// overlay shows the in-memory "sending" state on an entry read from disk.
func (s *Store) overlay(e *Entry) {
	s.mu.Lock()
	if s.sending[e.ID] && e.State == Queued {
		e.State = Sending
	}
	s.mu.Unlock()
}

// Scan calls fn for queue entries in id (= time) order. With fromHead it starts at the head
// cursor (skipping the acknowledged past); fn returns false to stop.
func (s *Store) Scan(fromHead bool, fn func(e Entry) bool) error {
	if fromHead {
		return s.scanFrom(nil, fn)
	}
	return s.scanFrom([]byte("q/"), fn)
}

// scanFrom scans queue entries from key start (nil: the head cursor).
func (s *Store) scanFrom(start []byte, fn func(e Entry) bool) error {
	return s.view("scan", func(txn *badger.Txn) error {
		if start == nil {
			var err error
			if start, err = s.head(txn); err != nil {
				return err
			}
		}
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte("q/")})
		defer it.Close()
		for it.Seek(start); it.Valid(); it.Next() {
			var e Entry
			k := it.Item().KeyCopy(nil)
			if err := it.Item().Value(func(v []byte) error { return s.open(k, v, &e) }); err != nil {
				return err
			}
			s.overlay(&e)
			if !fn(e) {
				return nil
			}
		}
		return nil
	})
}

// Due returns up to limit queued packets whose next attempt is due at now, oldest first,
// skipping ids for which skip returns true (those already in flight).
func (s *Store) Due(now time.Time, limit int, skip func(id string) bool) ([]Entry, error) {
	var out []Entry
	err := s.Scan(true, func(e Entry) bool {
		if (e.State == Queued || e.State == Sending) && !e.NextAttempt.After(now) && !skip(e.ID) {
			out = append(out, e)
		}
		return len(out) < limit
	})
	return out, err
}

// Audit returns up to limit audit-trail entries from time from on, oldest first.
func (s *Store) Audit(from time.Time, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.view("audit", func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte("a/")})
		defer it.Close()
		start := []byte("a/")
		if from.After(time.Unix(0, 0)) {
			start = binary.BigEndian.AppendUint64(start, uint64(from.UnixNano()))
		}
		for it.Seek(start); it.Valid() && len(out) < limit; it.Next() {
			var a AuditEntry
			k := it.Item().KeyCopy(nil)
			if err := it.Item().Value(func(v []byte) error { return s.open(k, v, &a) }); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// Manifest returns the signed manifest stored for a packet.
func (s *Store) Manifest(id string) ([]byte, error) {
	var m []byte
	err := s.view("manifest", func(txn *badger.Txn) error {
		found, err := s.get(txn, enrollKey(id), &m)
		if err == nil && !found {
			err = fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		return err
	})
	return m, err
}
