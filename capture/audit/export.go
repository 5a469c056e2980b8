package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// ExportWriter writes the export format: the head line, then one line per entry.
type ExportWriter struct {
	w   *bufio.Writer
	err error
}

// NewExportWriter starts an export of the chain that ends at head.
func NewExportWriter(w io.Writer, head Head) *ExportWriter {
	x := &ExportWriter{w: bufio.NewWriter(w)}
	x.line(head)
	return x
}

func (x *ExportWriter) line(v any) {
	if x.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err == nil {
		b = append(b, '\n')
		_, err = x.w.Write(b)
	}
	x.err = err
}

// Write writes the next entry.
func (x *ExportWriter) Write(e *Entry) error {
	x.line(e)
	return x.err
}

// Close flushes the export.
func (x *ExportWriter) Close() error {
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// ReadExport reads an export, verifying every entry and that the chain ends at the head on its
// first line; each verified entry is handed to fn (when not nil), which may refuse it. It
// returns that head and the number of entries; on an error, the head and count of the part
// verified before it.
func ReadExport(r io.Reader, fn func(e *Entry) error) (Head, int, error) {
	var v Verifier
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return v.Head(), 0, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		return v.Head(), 0, fmt.Errorf("%w: empty export (no head line)", ErrFormat)
	}
	var want Head
	if err := decodeStrict(sc.Bytes(), &want); err != nil {
		return v.Head(), 0, fmt.Errorf("%w: head line: %v", ErrFormat, err)
	}
	for line := 2; sc.Scan(); line++ {
		var e Entry
		if err := decodeStrict(sc.Bytes(), &e); err != nil {
			return v.Head(), v.Count(), fmt.Errorf("%w: line %d: %v", ErrFormat, line, err)
		}
		if err := v.Check(&e); err != nil {
			return v.Head(), v.Count(), fmt.Errorf("line %d: %w", line, err)
		}
		if fn != nil {
			if err := fn(&e); err != nil {
				return v.Head(), v.Count(), err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return v.Head(), v.Count(), fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return v.Head(), v.Count(), v.End(want)
}

func decodeStrict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}
