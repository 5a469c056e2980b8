package packet

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Limits the decoders enforce, so hostile input cannot make them allocate without bound.
const (
	maxString     = 256
	maxParts      = 64
	maxPartBytes  = 256 << 20
	maxCaptures   = 64
	maxPacketSize = 512 << 20
)

// encoder writes the canonical form: fixed field order, unsigned varints, and byte strings
// prefixed by their length. There is exactly one encoding of every value.
type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) bytes(p []byte)   { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) fixed(p []byte)   { e.b = append(e.b, p...) }

// decoder reads what encoder writes and remembers the first error, naming the field.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(field, why string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d: %s", ErrMalformed, field, d.off, why)
	}
}

func (d *decoder) uvarint(field string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail(field, "bad varint")
		return 0
	}
	if n != len(binary.AppendUvarint(nil, v)) {
		d.fail(field, "non-minimal varint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) int64(field string) int64 {
	v := d.uvarint(field)
	if v > math.MaxInt64 {
		d.fail(field, "out of range")
		return 0
	}
	return int64(v)
}

func (d *decoder) fixed(field string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b)-d.off < n {
		d.fail(field, "truncated")
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

func (d *decoder) bytes(field string, max int) []byte {
	n := d.uvarint(field)
	if d.err != nil {
		return nil
	}
	if n > uint64(max) {
		d.fail(field, fmt.Sprintf("length %d exceeds %d", n, max))
		return nil
	}
	p := d.fixed(field, int(n))
	if p == nil {
		return nil
	}
	return append([]byte(nil), p...)
}

func (d *decoder) str(field string) string { return string(d.bytes(field, maxString)) }

func (d *decoder) magic(want string) {
	if got := d.fixed("magic", len(want)); d.err == nil && string(got) != want {
		d.fail("magic", "not a "+want[:4]+" record")
	}
}

func (d *decoder) end() {
	if d.err == nil && d.off != len(d.b) {
		d.fail("end", fmt.Sprintf("%d trailing bytes", len(d.b)-d.off))
	}
}
