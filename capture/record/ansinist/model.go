package ansinist

import (
	"strconv"
	"strings"
)

// Separator characters of the traditional encoding.
const (
	FS = 0x1C // file separator: ends a record
	GS = 0x1D // group separator: ends a field
	RS = 0x1E // record separator: separates repeated subfields
	US = 0x1F // unit separator: separates information items
)

// Transaction is a whole ANSI/NIST-ITL file: a Type-1 record followed by the records its
// content listing (1.003) announces.
type Transaction struct {
	Records []*Record
}

// Record is one logical record. Tagged records keep their fields in file order; binary
// records (types 3–8) hold their header values as decimal text fields numbered like
// NBIS does (for example 4.001 LEN … 4.009 image data) so both kinds share one model.
type Record struct {
	Type   int
	Fields []Field

	offset1 int64 // 1 + byte offset of the record in the input it was read from; 0 if built
}

// Offset returns the byte offset of the record in the input it was read from, or -1 for
// a record built in memory.
func (r *Record) Offset() int64 {
	return r.offset1 - 1
}

// Field is one field. Text fields carry Subfields of Items; data fields (tagged .999 and
// the image part of binary records) carry raw Data instead and have Subfields == nil.
type Field struct {
	Num int // field number, 1–999
	// Digits is the width the field number was written with: 2 for legacy files
	// ("1.01:"), 3 otherwise. Zero means 3.
	Digits    int
	Subfields []Subfield
	Data      []byte // non-nil for data fields
}

// Subfield is one repeated subfield: a list of information items.
type Subfield []string

// IsData reports whether f holds raw data rather than text.
func (f *Field) IsData() bool { return f.Data != nil }

// Text returns the first item of the first subfield, or "" if there is none.
func (f *Field) Text() string {
	if len(f.Subfields) == 0 || len(f.Subfields[0]) == 0 {
		return ""
	}
	return f.Subfields[0][0]
}

// Item returns item i (0-based) of subfield s (0-based), or "" if absent.
func (f *Field) Item(s, i int) string {
	if s < 0 || s >= len(f.Subfields) || i < 0 || i >= len(f.Subfields[s]) {
		return ""
	}
	return f.Subfields[s][i]
}

// TextField returns a text field with one subfield holding items.
func TextField(num int, items ...string) Field {
	return Field{Num: num, Subfields: []Subfield{items}}
}

// IsBinaryType reports whether records of type t use the binary (untagged) encoding.
func IsBinaryType(t int) bool { return t >= 3 && t <= 8 }

// hasDataField reports whether field t.999 of a tagged record holds raw data.
func hasDataField(t int) bool { return t != 1 && t != 2 && t != 9 }

// Field returns the field numbered num, or nil.
func (r *Record) Field(num int) *Field {
	for i := range r.Fields {
		if r.Fields[i].Num == num {
			return &r.Fields[i]
		}
	}
	return nil
}

// Text returns the first item of field num, or "".
func (r *Record) Text(num int) string {
	if f := r.Field(num); f != nil {
		return f.Text()
	}
	return ""
}

// Int returns field num's first item as an integer; ok is false if absent or not a number.
func (r *Record) Int(num int) (v int, ok bool) {
	f := r.Field(num)
	if f == nil {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(f.Text()))
	return v, err == nil
}

// Data returns the raw data of field num, or nil.
func (r *Record) Data(num int) []byte {
	if f := r.Field(num); f != nil {
		return f.Data
	}
	return nil
}

// Set replaces field f.Num, or inserts f before the first field with a larger number
// (data field .999 stays last).
func (r *Record) Set(f Field) {
	for i := range r.Fields {
		if r.Fields[i].Num == f.Num {
			r.Fields[i] = f
			return
		}
	}
	for i := range r.Fields {
		if r.Fields[i].Num > f.Num {
			r.Fields = append(r.Fields, Field{})
			copy(r.Fields[i+1:], r.Fields[i:])
			r.Fields[i] = f
			return
		}
	}
	r.Fields = append(r.Fields, f)
}

// SetText sets field num to a single item (an empty value removes the field).
func (r *Record) SetText(num int, value string) {
	if value == "" {
		r.Remove(num)
		return
	}
	r.Set(TextField(num, value))
}

// Remove deletes field num if present.
func (r *Record) Remove(num int) {
	for i := range r.Fields {
		if r.Fields[i].Num == num {
			r.Fields = append(r.Fields[:i], r.Fields[i+1:]...)
			return
		}
	}
}

// IDC returns the record's information designation character (field .002; for
// Type-1, which has none, -1).
func (r *Record) IDC() int {
	if r.Type == 1 {
		return -1
	}
	v, ok := r.Int(2)
	if !ok {
		return -1
	}
	return v
}
