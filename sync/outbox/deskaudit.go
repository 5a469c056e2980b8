package outbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/enrolld/enrolld/capture/audit"
)

// The desk audit chain (package capture/audit) lives in this store: entry n under key
// "d/"+n (8 bytes, big-endian), its head under "m/audithead", both sealed like every other
// record. An entry is sealed (its Seq, Prev and Hash filled in) inside the transaction that
// writes it, against the head read in that same transaction; two concurrent appends both read
// and write the head, so Badger's conflict detection lets one of them commit and re-runs the
// other against the new head: the chain cannot fork. Writers in this process also take
// Store.auditMu, so that they queue instead of re-running transactions against each other.
//
// This chain is the desk's log of people's actions; the store's own trail of packet events
// (AuditEntry, "a/" keys: enrolled, acknowledged, conflict…) is separate and not chained.

// ErrAuditMoved reports that the audit chain's head is no longer the one an enrollment's packet
// was built with (Enrollment.AuditHead): another action was audited in between, and nothing
// was committed. CommitAudited holds the chain while the packet is built, so it never fails so.
var ErrAuditMoved = errors.New("outbox: the audit chain moved on since the packet was built")

var keyAuditHead = []byte("m/audithead")

func chainKey(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte("d/"), seq) }

// AppendAudit appends entries to the desk audit chain in one transaction and returns them
// sealed. When it returns nil they are durable; otherwise none of them was written.
func (s *Store) AppendAudit(entries ...audit.Entry) ([]audit.Entry, error) {
	var sealed []audit.Entry
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	err := s.update("audit append", func(txn *badger.Txn) error {
		var err error
		sealed, err = s.sealAudit(txn, entries, "", nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: audit: %w", err)
	}
	return sealed, nil
}

// sealAudit seals copies of entries after the stored head and writes them and the new head in
// txn. A non-empty packet is recorded in each entry; a non-nil expect must be the stored head.
func (s *Store) sealAudit(txn *badger.Txn, entries []audit.Entry, packet string, expect *audit.Head) ([]audit.Entry, error) {
	var head audit.Head
	if _, err := s.get(txn, keyAuditHead, &head); err != nil {
		return nil, err
	}
	if expect != nil && *expect != head {
		return nil, fmt.Errorf("%w: head %v, the packet carries %v", ErrAuditMoved, head, *expect)
	}
	out := append([]audit.Entry(nil), entries...)
	for i := range out {
		if packet != "" {
			out[i].Packet = packet
		}
		out[i].Seal(head)
		if err := s.put(txn, chainKey(out[i].Seq), out[i]); err != nil {
			return nil, err
		}
		head = out[i].Head()
	}
	return out, s.put(txn, keyAuditHead, head)
}

// AuditHead returns the head of the desk audit chain (zero while it is empty).
func (s *Store) AuditHead() (audit.Head, error) {
	var h audit.Head
	err := s.view("audit head", func(txn *badger.Txn) error { _, err := s.get(txn, keyAuditHead, &h); return err })
	return h, err
}

// auditPage returns up to limit chain entries stored under sequence numbers from..to (to 0:
// up to the head), in key order, and the chain's head, read in one snapshot. Entries are
// returned as stored, without checking the chain; a record that fails authentication is an
// ErrTampered error. next is the key to continue from.
func (s *Store) auditPage(from, to uint64, limit int) (entries []audit.Entry, head audit.Head, next uint64, err error) {
	err = s.view("audit page", func(txn *badger.Txn) error {
		entries, next = nil, from
		if _, err := s.get(txn, keyAuditHead, &head); err != nil {
			return err
		}
		if to == 0 {
			to = head.Seq
		}
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte("d/")})
		defer it.Close()
		for it.Seek(chainKey(from)); it.Valid() && len(entries) < limit; it.Next() {
			k := it.Item().KeyCopy(nil)
			if len(k) != 10 {
				return fmt.Errorf("%w: audit key %q", ErrTampered, k)
			}
			if binary.BigEndian.Uint64(k[2:]) > to {
				break
			}
			var e audit.Entry
			if err := it.Item().Value(func(v []byte) error { return s.open(k, v, &e) }); err != nil {
				return err
			}
			entries = append(entries, e)
			next = binary.BigEndian.Uint64(k[2:]) + 1
		}
		return nil
	})
	return entries, head, next, err
}

// WalkAudit reads the desk audit chain in key order: it calls start with the head, then fn with
// each entry stored up to it. Each page of entries is its own short read transaction, so a slow
// caller never holds the store; entries appended meanwhile lie beyond the head and are left
// out. Nothing is checked here: feed the entries to an audit.Verifier.
func (s *Store) WalkAudit(start func(head audit.Head) error, fn func(e *audit.Entry) error) error {
	entries, head, next, err := s.auditPage(1, 0, auditPage)
	if err != nil {
		return err
	}
	if err := start(head); err != nil {
		return err
	}
	for len(entries) > 0 && head.Seq > 0 {
		for i := range entries {
			if err := fn(&entries[i]); err != nil {
				return err
			}
		}
		if entries, _, next, err = s.auditPage(next, head.Seq, auditPage); err != nil {
			return err
		}
	}
	return nil
}

const auditPage = 512

// ExportAudit writes the desk audit chain in the export format of package audit (see WalkAudit).
func (s *Store) ExportAudit(w io.Writer) error {
	var x *audit.ExportWriter
	err := s.WalkAudit(func(h audit.Head) error { x = audit.NewExportWriter(w, h); return nil },
		func(e *audit.Entry) error { return x.Write(e) })
	if x == nil {
		return err
	}
	if cerr := x.Close(); err == nil {
		err = cerr
	}
	return err
}

// VerifyAudit checks the whole desk audit chain against its stored head: an entry changed,
// removed or moved, a tail cut off, or a record that fails authentication is an error wrapping
// audit.ErrTampered or ErrTampered. It returns the head and the number of entries verified.
func (s *Store) VerifyAudit() (audit.Head, int, error) {
	var v audit.Verifier
	var head audit.Head
	err := s.WalkAudit(func(h audit.Head) error { head = h; return nil }, v.Check)
	if err == nil {
		err = v.End(head)
	}
	return v.Head(), v.Count(), err
}
