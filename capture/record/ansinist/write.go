package ansinist

import (
	"io"
	"strconv"
)

// Marshal encodes the transaction. Every record's length field is recomputed; the
// content listing is checked against the records (see [Transaction.SetContent] to
// rebuild it).
func (t *Transaction) Marshal() ([]byte, error) {
	if err := t.checkContent(); err != nil {
		return nil, err
	}
	size := 0
	for _, r := range t.Records {
		size += r.sizeHint()
	}
	buf := make([]byte, 0, size)
	for i, r := range t.Records {
		var err error
		if buf, err = r.appendTo(buf, i+1); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// sizeHint estimates the encoded size of r (exact enough to avoid regrowing).
func (r *Record) sizeHint() int {
	n := 32
	for i := range r.Fields {
		n += 8 + valueLen(&r.Fields[i])
	}
	return n
}

// WriteTo writes the encoded transaction to w.
func (t *Transaction) WriteTo(w io.Writer) (int64, error) {
	if err := t.checkContent(); err != nil {
		return 0, err
	}
	var total int64
	var buf []byte
	for i, r := range t.Records {
		var err error
		buf, err = r.appendTo(buf[:0], i+1)
		if err != nil {
			return total, err
		}
		n, err := w.Write(buf)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// checkContent verifies that 1.003 lists exactly the records that follow.
func (t *Transaction) checkContent() error {
	if len(t.Records) == 0 || t.Records[0] == nil || t.Records[0].Type != 1 {
		return errAt(ErrMissing, 1, 1, 0, -1, "a transaction starts with a Type-1 record")
	}
	for i, r := range t.Records {
		if r == nil {
			return errAt(ErrMissing, i+1, 0, 0, -1, "nil record")
		}
	}
	types, err := contentTypes(t.Records[0])
	if err != nil {
		return err
	}
	if len(types) != len(t.Records)-1 {
		return errAt(ErrContent, 1, 1, 3, -1, "CNT lists %d records, the transaction holds %d", len(types), len(t.Records)-1)
	}
	for i, typ := range types {
		if r := t.Records[i+1]; r.Type != typ {
			return errAt(ErrContent, i+2, r.Type, 0, -1, "CNT lists type %d for this type-%d record", typ, r.Type)
		}
	}
	return nil
}

// appendTo encodes record r (the rec-th of its transaction) to dst.
func (r *Record) appendTo(dst []byte, rec int) ([]byte, error) {
	if r.Type < 1 || r.Type > 99 {
		return dst, errAt(ErrValue, rec, r.Type, 0, -1, "record type %d outside 1–99", r.Type)
	}
	if IsBinaryType(r.Type) {
		return appendBinary(dst, r, rec)
	}
	return r.appendTagged(dst, rec)
}

// appendTagged encodes a tagged record, solving LEN as a fixed point. A record without
// a leading LEN field gets one.
func (r *Record) appendTagged(dst []byte, rec int) ([]byte, error) {
	lenField, fields := Field{Num: 1}, r.Fields
	if len(fields) > 0 && fields[0].Num == 1 {
		lenField, fields = fields[0], fields[1:]
	}
	typeText := strconv.Itoa(r.Type)
	var seen [1000]bool
	bodyLen := 0 // everything after LEN's digits
	for i := range fields {
		f := &fields[i]
		if f.IsData() && i != len(fields)-1 {
			return dst, errAt(ErrValue, rec, r.Type, f.Num, -1, "data field must be the last field")
		}
		if f.Num < 2 || f.Num > 999 || seen[f.Num] {
			return dst, errAt(ErrValue, rec, r.Type, f.Num, -1, "field number repeated or outside 2–999")
		}
		seen[f.Num] = true
		bodyLen += 1 + len(typeText) + 2 + fieldDigits(f) + valueLen(f) // GS + "T.NNN:" + value
	}
	lenTag := len(typeText) + 2 + fieldDigits(&lenField) // "T.001:"
	n := solveLen(lenTag + bodyLen + 1)                  // + FS
	dst = appendTag(dst, typeText, &lenField)
	dst = strconv.AppendInt(dst, int64(n), 10)
	for i := range fields {
		dst = append(dst, GS)
		var err error
		if dst, err = appendField(dst, typeText, &fields[i], rec, r.Type); err != nil {
			return dst, err
		}
	}
	return append(dst, FS), nil
}

// valueLen is the encoded length of f's value.
func valueLen(f *Field) int {
	if f.IsData() {
		return len(f.Data)
	}
	n := 0
	for s, sub := range f.Subfields {
		if s > 0 {
			n++
		}
		for i, item := range sub {
			if i > 0 {
				n++
			}
			n += len(item)
		}
	}
	return n
}

// solveLen returns the record length given the length of everything but LEN's digits:
// the smallest n with n == fixed + digits(n).
func solveLen(fixed int) int {
	n := fixed + 1
	for {
		m := fixed + len(strconv.Itoa(n))
		if m == n {
			return n
		}
		n = m
	}
}

func fieldDigits(f *Field) int {
	if f.Digits == 2 && f.Num < 100 {
		return 2
	}
	return 3
}

func appendTag(dst []byte, typeText string, f *Field) []byte {
	dst = append(dst, typeText...)
	dst = append(dst, '.')
	if fieldDigits(f) == 3 && f.Num < 100 {
		dst = append(dst, '0')
	}
	if f.Num < 10 {
		dst = append(dst, '0')
	}
	dst = strconv.AppendInt(dst, int64(f.Num), 10)
	return append(dst, ':')
}

// appendField encodes "T.NNN:value" without the trailing separator.
func appendField(dst []byte, typeText string, f *Field, rec, typ int) ([]byte, error) {
	if f.Num < 1 || f.Num > 999 {
		return dst, errAt(ErrValue, rec, typ, f.Num, -1, "field number outside 1–999")
	}
	dst = appendTag(dst, typeText, f)
	if f.IsData() {
		if f.Num != 999 || !hasDataField(typ) {
			return dst, errAt(ErrValue, rec, typ, f.Num, -1, "only field .999 of an image record may hold raw data")
		}
		return append(dst, f.Data...), nil
	}
	if len(f.Subfields) == 0 {
		return dst, errAt(ErrValue, rec, typ, f.Num, -1, "text field without a value")
	}
	for s, sub := range f.Subfields {
		if s > 0 {
			dst = append(dst, RS)
		}
		for i, item := range sub {
			if i > 0 {
				dst = append(dst, US)
			}
			if k := indexSeparator(item); k >= 0 {
				return dst, errAt(ErrValue, rec, typ, f.Num, -1, "item %d.%d contains separator 0x%02x", s+1, i+1, item[k])
			}
			dst = append(dst, item...)
		}
	}
	return dst, nil
}

func indexSeparator(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= FS && c <= US {
			return i
		}
	}
	return -1
}
