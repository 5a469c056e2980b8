// Package audit is the station's hash-chained audit log: one line per action at the desk
// (who, in which role, did what, on which case, when, and why), never biometric data.
//
// The log is a file of JSON lines. Each entry carries its sequence number, the hash of the
// previous entry and its own hash, SHA-256 over the previous hash and the entry's canonical
// encoding. Changing an entry breaks its hash; removing or reordering entries breaks the
// sequence and the links. Cutting entries off the end leaves a valid shorter chain, which
// is why the head (sequence number and hash) is also kept in a side file and travels with
// each sync to the centre: Verify compares the chain's end with the head it is given.
//
// Append writes the line and fsyncs before it returns, so an action whose entry was not
// written does not happen (the enrollment workflow calls the log first). A line torn by a
// crash while it was being written (the last line without its newline) is cut off when the
// log is opened: it was never acknowledged.
package audit

import (
	"bytes"
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

// Entry is one audit line.
type Entry struct {
	Seq           uint64    `json:"seq"`
	Time          time.Time `json:"time"`
	Actor         string    `json:"actor"`
	Role          string    `json:"role"`
	Action        string    `json:"action"`
	Case          string    `json:"case,omitempty"`
	Justification string    `json:"justification,omitempty"`
	Detail        string    `json:"detail,omitempty"`
	Prev          string    `json:"prev"` // hex SHA-256 of the previous entry ("" for the first)
	Hash          string    `json:"hash"` // hex SHA-256 of Prev and the canonical body
}

// Head identifies the end of a chain.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

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

// seal fills Seq, Prev and Hash after head.
func (e *Entry) seal(head Head) {
	e.Seq, e.Prev = head.Seq+1, head.Hash
	e.Hash = e.computeHash()
}

// Verifier checks entries one after another.
type Verifier struct {
	head Head
	line int
}

// Next checks the next line of the log.
func (v *Verifier) Next(line []byte) (*Entry, error) {
	v.line++
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%w: line %d: %v", ErrFormat, v.line, err)
	}
	switch {
	case e.Seq != v.head.Seq+1:
		return nil, fmt.Errorf("%w: line %d has sequence %d, expected %d (an entry was removed or the order changed)", ErrTampered, v.line, e.Seq, v.head.Seq+1)
	case e.Prev != v.head.Hash:
		return nil, fmt.Errorf("%w: line %d (seq %d) does not link to the entry before it", ErrTampered, v.line, e.Seq)
	case e.computeHash() != e.Hash:
		return nil, fmt.Errorf("%w: line %d (seq %d) was changed after it was written", ErrTampered, v.line, e.Seq)
	}
	v.head = Head{e.Seq, e.Hash}
	return &e, nil
}

// Head returns the end of the chain verified so far.
func (v *Verifier) Head() Head { return v.head }
