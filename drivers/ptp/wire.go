package ptp

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// reader decodes PTP dataset fields; the first error sticks and later reads return zero.
type reader struct {
	b    []byte
	off  int
	what string
	err  error
}

func (r *reader) need(n int, field string) bool {
	if r.err != nil {
		return false
	}
	if len(r.b)-r.off < n {
		r.err = fmt.Errorf("%w %s: %s at byte %d needs %d bytes, %d left", ErrMalformed, r.what, field, r.off, n, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *reader) u8(field string) uint8 {
	if !r.need(1, field) {
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *reader) u16(field string) uint16 {
	if !r.need(2, field) {
		return 0
	}
	r.off += 2
	return binary.LittleEndian.Uint16(r.b[r.off-2:])
}

func (r *reader) u32(field string) uint32 {
	if !r.need(4, field) {
		return 0
	}
	r.off += 4
	return binary.LittleEndian.Uint32(r.b[r.off-4:])
}

// str reads a PTP string: a u8 count of UTF-16 code units including the NUL, then
// UTF-16LE. A count of 0 is the empty string.
func (r *reader) str(field string) string {
	n := int(r.u8(field))
	if n == 0 || !r.need(2*n, field) {
		return ""
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(r.b[r.off+2*i:])
	}
	r.off += 2 * n
	if u[n-1] != 0 {
		r.err = fmt.Errorf("%w %s: %s lacks its terminating NUL", ErrMalformed, r.what, field)
		return ""
	}
	return string(utf16.Decode(u[:n-1]))
}

// u16s reads a u32 count then that many u16 values.
func (r *reader) u16s(field string) []uint16 {
	n := r.u32(field)
	if r.err != nil || !r.need(int(min(n, 1<<30))*2, field) {
		return nil
	}
	v := make([]uint16, n)
	for i := range v {
		v[i] = r.u16(field)
	}
	return v
}

// writer encodes PTP dataset fields.
type writer struct{ b []byte }

func (w *writer) u8(v uint8)   { w.b = append(w.b, v) }
func (w *writer) u16(v uint16) { w.b = binary.LittleEndian.AppendUint16(w.b, v) }
func (w *writer) u32(v uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, v) }

func (w *writer) str(s string) {
	if s == "" {
		w.u8(0)
		return
	}
	u := utf16.Encode([]rune(s))
	if len(u) > 254 {
		u = u[:254]
	}
	w.u8(uint8(len(u) + 1))
	for _, c := range u {
		w.u16(c)
	}
	w.u16(0)
}

func (w *writer) u16s(v []uint16) {
	w.u32(uint32(len(v)))
	for _, x := range v {
		w.u16(x)
	}
}
