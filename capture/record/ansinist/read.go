package ansinist

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// ReadOptions tune a Reader. The zero value is ready to use.
type ReadOptions struct {
	// MaxRecordBytes bounds the length of one record; 0 means 1 GiB. Memory is
	// allocated as data arrives, so a lying length field costs no more than the
	// input actually supplies.
	MaxRecordBytes int
}

func (o *ReadOptions) maxRecord() int {
	if o == nil || o.MaxRecordBytes <= 0 {
		return 1 << 30
	}
	return o.MaxRecordBytes
}

// Reader reads the records of one transaction from a stream, one at a time.
type Reader struct {
	br     source
	off    int64 // bytes consumed so far
	rec    int   // records returned so far
	expect []int // record types listed in 1.003, after the Type-1
	max    int
	err    error // sticky
}

// NewReader returns a Reader reading a transaction from r. opts may be nil.
func NewReader(r io.Reader, opts *ReadOptions) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), max: opts.maxRecord()}
}

// Next returns the next record: first the Type-1, then each record the content listing
// announces. After the last one it returns io.EOF (or an error if data follows).
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	r.rec++
	return rec, nil
}

func (r *Reader) next() (*Record, error) {
	idx := r.rec + 1
	if r.rec == 0 {
		t1, err := r.readTagged(1, idx)
		if err != nil {
			return nil, err
		}
		if r.expect, err = contentTypes(t1); err != nil {
			return nil, err
		}
		return t1, nil
	}
	if r.rec-1 >= len(r.expect) {
		if _, err := r.br.Peek(1); err == io.EOF {
			return nil, io.EOF
		}
		return nil, errAt(ErrContent, idx, 0, 0, r.off, "data follows the %d records listed in 1.003", len(r.expect))
	}
	typ := r.expect[r.rec-1]
	if _, err := r.br.Peek(1); err == io.EOF {
		return nil, errAt(ErrContent, idx, typ, 0, r.off, "input ends after %d of the %d records listed in 1.003", r.rec-1, len(r.expect))
	}
	if IsBinaryType(typ) {
		return r.readBinary(typ, idx)
	}
	return r.readTagged(typ, idx)
}

// readBinary reads a binary record: a 4-byte big-endian length, then the rest.
func (r *Reader) readBinary(typ, idx int) (*Record, error) {
	base := r.off
	var hdr [4]byte
	if err := r.readFull(hdr[:], idx, typ); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n < 4 {
		return nil, errAt(ErrLength, idx, typ, 1, base, "length %d is shorter than the length field", n)
	}
	if uint64(n) > uint64(r.max) {
		return nil, errAt(ErrTooLarge, idx, typ, 1, base, "length %d exceeds the limit of %d bytes", n, r.max)
	}
	buf, err := r.readRest(hdr[:], int(n), idx, typ)
	if err != nil {
		return nil, err
	}
	return parseBinary(buf, typ, idx, base)
}

// readTagged reads a tagged record: it parses "T.001:LEN" to learn the length, reads the
// rest and parses the fields.
func (r *Reader) readTagged(typ, idx int) (*Record, error) {
	base := r.off
	head, err := r.readUntil(':', 16, idx, typ)
	if err != nil {
		return nil, err
	}
	t, num, _, ok := parseTag(head[:len(head)-1])
	if !ok || num != 1 {
		return nil, errAt(ErrSyntax, idx, typ, 0, base, "record does not start with a %d.001 length field", typ)
	}
	if t != typ {
		return nil, errAt(ErrContent, idx, typ, 0, base, "1.003 lists a type-%d record here, found type %d", typ, t)
	}
	lenText, err := r.readUntilSep(12, idx, typ)
	if err != nil {
		return nil, err
	}
	n, ok := atoi(lenText[:len(lenText)-1])
	if !ok {
		return nil, errAt(ErrSyntax, idx, typ, 1, base+int64(len(head)), "length %q is not a number", lenText[:len(lenText)-1])
	}
	prefix := append(head, lenText...)
	if n < len(prefix) {
		return nil, errAt(ErrLength, idx, typ, 1, base, "length %d is shorter than the length field itself", n)
	}
	if n > r.max {
		return nil, errAt(ErrTooLarge, idx, typ, 1, base, "length %d exceeds the limit of %d bytes", n, r.max)
	}
	buf, err := r.readRest(prefix, n, idx, typ)
	if err != nil {
		return nil, err
	}
	return parseTagged(buf, typ, idx, base)
}

// readUntil reads up to max bytes through delim.
func (r *Reader) readUntil(delim byte, max, idx, typ int) ([]byte, error) {
	var out []byte
	for len(out) < max {
		c, err := r.br.ReadByte()
		if err != nil {
			return nil, errAt(ErrTruncated, idx, typ, 0, r.off, "input ends inside a record")
		}
		r.off++
		out = append(out, c)
		if c == delim {
			return out, nil
		}
	}
	return nil, errAt(ErrSyntax, idx, typ, 0, r.off-int64(len(out)), "no %q within %d bytes", delim, max)
}

// readUntilSep reads the digits of a length field through its GS (or FS).
func (r *Reader) readUntilSep(max, idx, typ int) ([]byte, error) {
	var out []byte
	for len(out) < max {
		c, err := r.br.ReadByte()
		if err != nil {
			return nil, errAt(ErrTruncated, idx, typ, 1, r.off, "input ends inside the length field")
		}
		r.off++
		out = append(out, c)
		if c == GS || c == FS {
			return out, nil
		}
	}
	return nil, errAt(ErrSyntax, idx, typ, 1, r.off-int64(len(out)), "length field longer than %d bytes", max)
}

func (r *Reader) readFull(b []byte, idx, typ int) error {
	n, err := io.ReadFull(r.br, b)
	r.off += int64(n)
	if err != nil {
		return r.readErr(err, idx, typ)
	}
	return nil
}

func (r *Reader) readErr(err error, idx, typ int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errAt(ErrTruncated, idx, typ, 0, r.off, "input ends inside a record")
	}
	return &Error{Record: idx, Type: typ, Offset: r.off, Msg: err.Error(), Err: err}
}

// readRest returns a buffer of n bytes starting with prefix, reading the remainder. It
// grows the buffer as data arrives instead of trusting n up front. Reading from a byte
// slice, it returns a subslice instead of copying.
func (r *Reader) readRest(prefix []byte, n, idx, typ int) ([]byte, error) {
	if s, ok := r.br.(*sliceSource); ok {
		start := s.pos - len(prefix)
		if n > len(s.b)-start {
			r.off += int64(len(s.b) - s.pos)
			s.pos = len(s.b)
			return nil, errAt(ErrTruncated, idx, typ, 0, r.off, "input ends inside a record")
		}
		s.pos = start + n
		r.off += int64(n - len(prefix))
		return s.b[start:s.pos:s.pos], nil
	}
	buf := make([]byte, len(prefix), min(n, max(len(prefix), 1<<20)))
	copy(buf, prefix)
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		end := cap(buf)
		if err := r.readFull(buf[len(buf):end], idx, typ); err != nil {
			return nil, err
		}
		buf = buf[:end]
	}
	return buf, nil
}

// Read reads a whole transaction from rd. opts may be nil.
func Read(rd io.Reader, opts *ReadOptions) (*Transaction, error) {
	return readAll(NewReader(rd, opts))
}

// Unmarshal parses a whole transaction held in b. Data fields alias b.
func Unmarshal(b []byte) (*Transaction, error) {
	return readAll(&Reader{br: &sliceSource{b: b}, max: (*ReadOptions)(nil).maxRecord()})
}

// readAll collects every record r yields into a transaction.
func readAll(r *Reader) (*Transaction, error) {
	t := &Transaction{}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		t.Records = append(t.Records, rec)
	}
}

// source is what the Reader reads from: a bufio.Reader over a stream, or a sliceSource.
type source interface {
	io.Reader
	io.ByteReader
	Peek(n int) ([]byte, error)
}

// sliceSource reads from a byte slice the caller keeps, so records can alias it.
type sliceSource struct {
	b   []byte
	pos int
}

func (s *sliceSource) Read(p []byte) (int, error) {
	if s.pos >= len(s.b) {
		return 0, io.EOF
	}
	n := copy(p, s.b[s.pos:])
	s.pos += n
	return n, nil
}

func (s *sliceSource) ReadByte() (byte, error) {
	if s.pos >= len(s.b) {
		return 0, io.EOF
	}
	s.pos++
	return s.b[s.pos-1], nil
}

func (s *sliceSource) Peek(n int) ([]byte, error) {
	if len(s.b)-s.pos < n {
		return s.b[s.pos:], io.EOF
	}
	return s.b[s.pos : s.pos+n], nil
}
