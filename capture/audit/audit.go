// Package audit is the hash chain of the station's desk audit log: one entry per action at the
// desk (who, in which role, did what, on which case, when, and why), never biometric data.
//
// Each entry carries its sequence number, the hash of the previous entry and its own hash,
// SHA-256 over the previous hash and the entry's canonical encoding. Changing an entry breaks
// its hash; removing or reordering entries breaks the sequence and the links. Cutting entries
// off the end leaves a valid shorter chain, which is why the chain's head (sequence number and
// hash of the last entry) is stored beside it and travels with each enrollment to the centre:
// a chain that ends before a head it is compared with has lost its tail.
//
// This package is the pure chain logic: sealing an entry after a head (Entry.Seal), checking a
// chain entry by entry (Verifier), and reading the export format (ReadExport). The chain is
// kept by the station's outbox (package sync/outbox), which seals entries inside its Badger
// transactions against the stored head, so that an enrollment's "committed" entry (naming its
// packet) is written in the same transaction as the packet, and concurrent appends cannot fork
// the chain. The packet carries the head just before that entry: the centre, holding a head
// from every enrollment, can tell a station whose chain no longer passes through one of them
// (`enrollctl audit verify --anchor SEQ:HASH`).
//
// The export format, served by the daemon and read by `enrollctl audit verify`, is JSON lines:
// the first line is the head, {"seq":…,"hash":…}, the others are the entries in order.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors.
var (
	ErrTampered = errors.New("audit: chain broken")
	ErrFormat   = errors.New("audit: malformed entry")
)

// Entry is one audited action.
type Entry struct {
	Seq           uint64    `json:"seq"`
	Time          time.Time `json:"time"`
	Actor         string    `json:"actor"`
	Role          string    `json:"role"`
	Action        string    `json:"action"`
	Case          string    `json:"case,omitempty"`
	Justification string    `json:"justification,omitempty"`
	Detail        string    `json:"detail,omitempty"`
	Packet        string    `json:"packet,omitempty"` // the packet committed in the same transaction
	Prev          string    `json:"prev"`             // hex SHA-256 of the previous entry ("" for the first)
	Hash          string    `json:"hash"`             // hex SHA-256 of Prev and the canonical body
}

// Head identifies the end of a chain: the last entry's sequence number and hash (zero for an
// empty chain).
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// String shows the head as "seq hash-prefix…".
func (h Head) String() string { return fmt.Sprintf("%d %.12s…", h.Seq, h.Hash) }

// body is the canonical encoding the hash covers: every field but Hash, in fixed order.
func (e *Entry) body() []byte {
	c := *e
	c.Hash = ""
	b, _ := json.Marshal(c) // a struct of strings, numbers and a time never fails
	return b
}

func (e *Entry) computeHash() string {
	h := sha256.New()
	h.Write([]byte(e.Prev))
	h.Write([]byte{0})
	h.Write(e.body())
	return hex.EncodeToString(h.Sum(nil))
}

// Seal makes e the entry after head: it fills Seq, Prev and Hash (and puts Time in UTC, the
// form the hash covers). The caller stores e and moves its head to e.Head() atomically.
func (e *Entry) Seal(after Head) {
	e.Time = e.Time.UTC()
	e.Seq, e.Prev = after.Seq+1, after.Hash
	e.Hash = e.computeHash()
}

// Head is the head of a chain that ends with e.
func (e *Entry) Head() Head { return Head{e.Seq, e.Hash} }

// Verifier checks a chain entry by entry, from its first entry. The zero value is ready.
type Verifier struct {
	head Head
	n    int
}

// Check checks the next entry.
func (v *Verifier) Check(e *Entry) error {
	switch {
	case e.Seq != v.head.Seq+1:
		return fmt.Errorf("%w: entry %d has sequence %d, expected %d (an entry was removed or the order changed)", ErrTampered, v.n+1, e.Seq, v.head.Seq+1)
	case e.Prev != v.head.Hash:
		return fmt.Errorf("%w: entry %d (seq %d) does not link to the entry before it", ErrTampered, v.n+1, e.Seq)
	case e.computeHash() != e.Hash:
		return fmt.Errorf("%w: entry %d (seq %d) was changed after it was written", ErrTampered, v.n+1, e.Seq)
	}
	v.head = e.Head()
	v.n++
	return nil
}

// End checks that the chain verified so far ends at want, the head recorded with it: a chain
// that ends earlier has lost its tail.
func (v *Verifier) End(want Head) error {
	if want != v.head {
		return fmt.Errorf("%w: the chain ends at %v, the recorded head is %v (entries were cut off or added)", ErrTampered, v.head, want)
	}
	return nil
}

// Head returns the end of the chain verified so far.
func (v *Verifier) Head() Head { return v.head }

// Count returns the number of entries verified so far.
func (v *Verifier) Count() int { return v.n }
