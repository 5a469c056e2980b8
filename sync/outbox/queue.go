package outbox

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/enrolld/enrolld/capture/audit"
)

// State is where a queued packet stands.
type State string

// Queue states. Conflict is an alarm: the centre holds a different packet under the same id;
// it is never retried automatically.
const (
	Queued       State = "queued"
	Sending      State = "sending"
	Acknowledged State = "acknowledged"
	Purged       State = "purged"
	Conflict     State = "conflict"
)

// States lists every state, in lifecycle order.
var States = []State{Queued, Sending, Acknowledged, Purged, Conflict}

// Unsent reports whether a packet in this state still waits for the centre.
func (s State) Unsent() bool { return s == Queued || s == Sending || s == Conflict }

// Entry is the queue record of one packet. It holds no biometric data.
type Entry struct {
	ID          string    `json:"id"`
	State       State     `json:"state"`
	ContentHash [32]byte  `json:"content_hash"`
	SealedHash  [32]byte  `json:"sealed_hash"` // SHA-256 of the sealed file
	SealedSize  int64     `json:"sealed_size"`
	Counter     uint64    `json:"counter"`
	Created     time.Time `json:"created"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt"`
	LastError   string    `json:"last_error,omitempty"`
	AckedAt     time.Time `json:"acked_at,omitzero"`
	Receipt     []byte    `json:"receipt,omitempty"` // the centre's signed receipt, verified
	PurgedAt    time.Time `json:"purged_at,omitzero"`
}

// AuditEntry is one line of the station's audit trail, kept in the same store.
type AuditEntry struct {
	Time     time.Time `json:"time"`
	Event    string    `json:"event"`
	PacketID string    `json:"packet_id"`
	Detail   string    `json:"detail,omitempty"`
}

// Enrollment is what Commit stores for one finished enrollment.
type Enrollment struct {
	ID          string   // packet id
	ContentHash [32]byte // packet content hash
	Counter     uint64   // station counter of this packet
	ChainHash   [32]byte // this packet's chain hash: the next packet's PrevHash
	Manifest    []byte   // the signed manifest (canonical encoding + signature); no biometrics
	Sealed      []byte   // the sealed packet
	Operator    string   // for the audit trail

	// Audit are desk audit entries (package capture/audit) sealed into the audit chain in the
	// commit's transaction, each recording the packet id: the enrollment exists if and only if
	// they do. When AuditHead is not nil it is the chain head the packet carries, and the commit
	// fails with ErrAuditMoved (writing nothing) unless it is still the stored head, so that the
	// first of these entries follows it directly (CommitAudited sets it).
	Audit     []audit.Entry
	AuditHead *audit.Head
}

type chainState struct {
	Counter uint64   `json:"counter"`
	Hash    [32]byte `json:"hash"`
}

var (
	keyChain = []byte("m/chain")
	keyHead  = []byte("m/head")
)

func queueKey(id string) []byte  { return []byte("q/" + id) }
func enrollKey(id string) []byte { return []byte("e/" + id) }

// auditKey orders the audit trail by time; the packet id and event keep keys unique without a
// shared counter (which would make concurrent transactions conflict).
func auditKey(t time.Time, id, event string) []byte {
	return append(binary.BigEndian.AppendUint64([]byte("a/"), uint64(t.UnixNano())), "/"+id+"/"+event...)
}

// Chain returns the last committed counter and chain hash (zero before the first packet).
func (s *Store) Chain() (counter uint64, hash [32]byte, err error) {
	var c chainState
	err = s.view("chain", func(txn *badger.Txn) error { _, err := s.get(txn, keyChain, &c); return err })
	return c.Counter, c.Hash, err
}

// Commit durably stores one enrollment: the sealed file first (temp, fsync, rename, fsync dir),
// then, in one transaction, the manifest, the queue entry, the audit entry, the desk audit
// entries with the new audit chain head, and the new packet chain state. When Commit returns
// nil the enrollment survives a crash; when it fails, none of that was written (and the sealed
// file is left for recovery to remove, or removed at once on ErrAuditMoved). The caller
// serialises Commit with Chain (a station builds one packet at a time).
func (s *Store) Commit(e Enrollment) error {
	if len(e.Audit) > 0 {
		s.auditMu.Lock()
		defer s.auditMu.Unlock()
	}
	return s.commit(e)
}

// CommitAudited commits an enrollment whose packet carries the audit chain's head: it holds
// the chain (other appends wait) while build makes the enrollment for the current head, then
// commits it as Commit does, its Audit entries sealed right after that head.
func (s *Store) CommitAudited(build func(head audit.Head) (Enrollment, error)) error {
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	head, err := s.AuditHead()
	if err != nil {
		return fmt.Errorf("outbox: commit: %w", err)
	}
	e, err := build(head)
	if err != nil {
		return err
	}
	e.AuditHead = &head
	return s.commit(e)
}

func (s *Store) commit(e Enrollment) error {
	if err := s.CheckSpace(int64(len(e.Sealed))); err != nil {
		return err
	}
	sealedHash, err := s.writeBlob(e.ID, e.Sealed)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	q := Entry{ID: e.ID, State: Queued, ContentHash: e.ContentHash, SealedHash: sealedHash,
		SealedSize: int64(len(e.Sealed)), Counter: e.Counter, Created: now, NextAttempt: now}
	err = s.update("commit", func(txn *badger.Txn) error {
		if err := s.put(txn, enrollKey(e.ID), e.Manifest); err != nil {
			return err
		}
		if err := s.put(txn, queueKey(e.ID), q); err != nil {
			return err
		}
		if err := s.audit(txn, now, "enrolled", e.ID, "operator "+e.Operator); err != nil {
			return err
		}
		if len(e.Audit) > 0 {
			if _, err := s.sealAudit(txn, e.Audit, e.ID, e.AuditHead); err != nil {
				return err
			}
		}
		head, err := s.head(txn)
		if err != nil {
			return err
		}
		if bytes.Compare(queueKey(e.ID), head) < 0 { // clock stepped back: keep the cursor honest
			if err := s.put(txn, keyHead, e.ID); err != nil {
				return err
			}
		}
		return s.put(txn, keyChain, chainState{e.Counter, e.ChainHash})
	})
	if err != nil {
		if errors.Is(err, ErrAuditMoved) {
			_ = s.removeBlob(e.ID) // not committed: nothing refers to it
		}
		return fmt.Errorf("outbox: commit %s: %w", e.ID, err)
	}
	s.mu.Lock()
	s.counts[Queued]++
	s.mu.Unlock()
	return nil
}

func (s *Store) audit(txn *badger.Txn, now time.Time, event, id, detail string) error {
	return s.put(txn, auditKey(now, id, event), AuditEntry{now, event, id, detail})
}

// transition applies fn to the entry with id inside one transaction, with an audit line
// (unless event is ""). Transitions of different packets commit concurrently, so Badger can
// share one fsync among them; transitions of one packet are serialised by conflict detection.
func (s *Store) transition(id, event string, fn func(e *Entry) (detail string, err error)) (Entry, error) {
	var e Entry
	var from State
	err := s.update(event, func(txn *badger.Txn) error {
		found, err := s.get(txn, queueKey(id), &e)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		from = e.State
		detail, err := fn(&e)
		if err != nil {
			return err
		}
		if err := s.put(txn, queueKey(id), e); err != nil {
			return err
		}
		if event != "" {
			if err := s.audit(txn, time.Now().UTC(), event, id, detail); err != nil {
				return err
			}
		}
		if e.State != from && !e.State.Unsent() {
			return s.advanceHead(txn)
		}
		return nil
	})
	if err == nil {
		s.mu.Lock()
		if s.sending[id] { // the attempt in flight ends with this transition
			from = Sending
			delete(s.sending, id)
		}
		if from != e.State {
			s.counts[from]--
			s.counts[e.State]++
		}
		s.mu.Unlock()
	}
	return e, err
}

// MarkSending records that an upload attempt starts.
//
// "Sending" is kept in memory, not written: it would cost an fsync per upload and mean nothing
// after a crash (every attempt in flight then is void, and the packet is simply queued).
// The state still shows in Get, Scan, Stats and the metrics.
func (s *Store) MarkSending(id string) (Entry, error) {
	e, err := s.Get(id)
	if err != nil {
		return e, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.State != Queued && e.State != Sending {
		return e, fmt.Errorf("%w: %s is %s", ErrState, id, e.State)
	}
	if e.State == Queued {
		s.sending[id] = true
		s.counts[Queued]--
		s.counts[Sending]++
	}
	e.State = Sending
	return e, nil
}

// MarkRetry puts a packet back in the queue after a failed attempt, due again at next.
func (s *Store) MarkRetry(id string, cause error, next time.Time) error {
	_, err := s.transition(id, "", func(e *Entry) (string, error) {
		if e.State != Sending && e.State != Queued {
			return "", fmt.Errorf("%w: %s is %s", ErrState, id, e.State)
		}
		e.State, e.NextAttempt, e.LastError, e.Attempts = Queued, next.UTC(), truncate(cause.Error(), 200), e.Attempts+1
		return "", nil
	})
	return err
}

// MarkConflict records the centre's "same id, different content" answer: an alarm.
func (s *Store) MarkConflict(id string, cause error) error {
	_, err := s.transition(id, "conflict", func(e *Entry) (string, error) {
		e.State, e.LastError = Conflict, truncate(cause.Error(), 200)
		return e.LastError, nil
	})
	return err
}

// MarkAcknowledged stores the centre's verified receipt with the packet. Only after this can
// the packet be purged.
func (s *Store) MarkAcknowledged(id string, receipt []byte) error {
	if len(receipt) == 0 {
		return fmt.Errorf("%w: acknowledging %s without a receipt", ErrState, id)
	}
	_, err := s.transition(id, "acknowledged", func(e *Entry) (string, error) {
		if e.State != Sending && e.State != Queued {
			return "", fmt.Errorf("%w: %s is %s", ErrState, id, e.State)
		}
		e.State, e.Receipt, e.AckedAt, e.LastError = Acknowledged, receipt, time.Now().UTC(), ""
		return "", nil
	})
	return err
}

// Retry makes a packet in conflict (or in backoff) due now. An operator uses it after
// investigating an alarm.
func (s *Store) Retry(id string) error {
	_, err := s.transition(id, "retry", func(e *Entry) (string, error) {
		if !e.State.Unsent() {
			return "", fmt.Errorf("%w: %s is %s", ErrState, id, e.State)
		}
		e.State, e.NextAttempt = Queued, time.Now().UTC()
		return "by operator", nil
	})
	return err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// head returns the persisted head cursor: the queue key from which scans for unsent packets start.
func (s *Store) head(txn *badger.Txn) ([]byte, error) {
	var h string
	if _, err := s.get(txn, keyHead, &h); err != nil {
		return nil, err
	}
	return queueKey(h), nil
}

// advanceHead moves the head cursor past acknowledged and purged entries, inside txn (whose
// own pending writes the iterator sees).
func (s *Store) advanceHead(txn *badger.Txn) error {
	start, err := s.head(txn)
	if err != nil {
		return err
	}
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: []byte("q/")})
	defer it.Close()
	newHead := ""
	for it.Seek(start); it.Valid(); it.Next() {
		var e Entry
		k := it.Item().KeyCopy(nil)
		if err := it.Item().Value(func(v []byte) error { return s.open(k, v, &e) }); err != nil {
			return err
		}
		if e.State.Unsent() {
			newHead = e.ID
			break
		}
		newHead = e.ID + "\x00" // past the last entry
	}
	if newHead == "" || bytes.Equal(queueKey(newHead), start) {
		return nil
	}
	return s.put(txn, keyHead, newHead)
}
