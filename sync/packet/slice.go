package packet

import (
	"crypto/ed25519"
	"fmt"
	"sort"
)

const sliceMagic = "ENRS\x00\x01"

// Limits on a register-slice batch.
const (
	maxBatchPersons = 10000
	maxTemplate     = 64 << 10
)

// SlicePerson is one upsert in a register-slice batch: a subject and its ISO/IEC 19794-2
// templates keyed by finger position (1–10).
type SlicePerson struct {
	SubjectID string
	Templates map[int][]byte
}

// SliceBatch is one signed step of the register-slice delta protocol: the changes after cursor
// Since, up to and including cursor Cursor. Cursors are opaque strings chosen by the centre.
type SliceBatch struct {
	Since     string
	Cursor    string
	More      bool // further changes are waiting
	Upserts   []SlicePerson
	Deletes   []string
	Signature []byte // Ed25519 by the centre's signing key over the encoding before it
}

func (b *SliceBatch) signedBytes() []byte {
	var e encoder
	e.fixed([]byte(sliceMagic))
	e.str(b.Since)
	e.str(b.Cursor)
	more := uint64(0)
	if b.More {
		more = 1
	}
	e.uvarint(more)
	e.uvarint(uint64(len(b.Upserts)))
	for _, p := range b.Upserts {
		e.str(p.SubjectID)
		pos := make([]int, 0, len(p.Templates))
		for k := range p.Templates {
			pos = append(pos, k)
		}
		sort.Ints(pos)
		e.uvarint(uint64(len(pos)))
		for _, k := range pos {
			e.uvarint(uint64(k))
			e.bytes(p.Templates[k])
		}
	}
	e.uvarint(uint64(len(b.Deletes)))
	for _, d := range b.Deletes {
		e.str(d)
	}
	return e.b
}

// Sign signs the batch with the centre's key.
func (b *SliceBatch) Sign(key ed25519.PrivateKey) { b.Signature = ed25519.Sign(key, b.signedBytes()) }

// Encode returns the batch's canonical encoding with its signature.
func (b *SliceBatch) Encode() []byte {
	e := encoder{b: b.signedBytes()}
	e.bytes(b.Signature)
	return e.b
}

// Verify checks the centre's signature.
func (b *SliceBatch) Verify(centre ed25519.PublicKey) error {
	if len(centre) != ed25519.PublicKeySize || !ed25519.Verify(centre, b.signedBytes(), b.Signature) {
		return fmt.Errorf("%w: slice batch %q..%q", ErrSignature, b.Since, b.Cursor)
	}
	return nil
}

// DecodeSliceBatch parses a canonical batch. Finger positions must be 1..10, ascending, and each
// subject may appear once. It does not verify the signature; call Verify.
func DecodeSliceBatch(buf []byte) (*SliceBatch, error) {
	d := &decoder{b: buf}
	d.magic(sliceMagic)
	b := &SliceBatch{Since: d.str("since"), Cursor: d.str("cursor")}
	switch d.uvarint("more") {
	case 0:
	case 1:
		b.More = true
	default:
		d.fail("more", "not 0 or 1")
	}
	n := d.uvarint("upsert count")
	if n > maxBatchPersons {
		d.fail("upsert count", "too many")
	}
	seen := map[string]bool{}
	for i := uint64(0); i < n && d.err == nil; i++ {
		p := SlicePerson{SubjectID: d.str("subject id"), Templates: map[int][]byte{}}
		if p.SubjectID == "" || seen[p.SubjectID] {
			d.fail("subject id", "empty or repeated")
		}
		seen[p.SubjectID] = true
		m := d.uvarint("template count")
		last := uint64(0)
		for j := uint64(0); j < m && d.err == nil; j++ {
			pos := d.uvarint("finger position")
			if pos <= last || pos > 10 {
				d.fail("finger position", "not ascending within 1..10")
			}
			last = pos
			p.Templates[int(pos)] = d.bytes("template", maxTemplate)
		}
		b.Upserts = append(b.Upserts, p)
	}
	n = d.uvarint("delete count")
	if n > maxBatchPersons {
		d.fail("delete count", "too many")
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		b.Deletes = append(b.Deletes, d.str("deleted subject"))
	}
	b.Signature = d.bytes("signature", ed25519.SignatureSize)
	d.end()
	if d.err != nil {
		return nil, d.err
	}
	return b, nil
}
