package ansinist

import (
	"errors"
	"fmt"
)

// Sentinel errors; every [*Error] wraps one of them.
var (
	// ErrSyntax means the bytes do not follow the traditional encoding (a bad tag,
	// a missing separator, a non-numeric number).
	ErrSyntax = errors.New("ansinist: syntax error")
	// ErrLength means a record's length field disagrees with its contents.
	ErrLength = errors.New("ansinist: bad record length")
	// ErrTruncated means the input ended inside a record.
	ErrTruncated = errors.New("ansinist: truncated input")
	// ErrContent means the Type-1 content listing (1.003 CNT) disagrees with the records.
	ErrContent = errors.New("ansinist: content listing mismatch")
	// ErrValue means a field value is out of range or malformed for its field.
	ErrValue = errors.New("ansinist: invalid field value")
	// ErrMissing means a mandatory field or record is absent.
	ErrMissing = errors.New("ansinist: missing field")
	// ErrTooLarge means a record exceeds the reader's size limit.
	ErrTooLarge = errors.New("ansinist: record too large")
	// ErrUnsupported means the input uses a feature this package does not implement.
	ErrUnsupported = errors.New("ansinist: unsupported")
)

// Error is a format violation located in a transaction.
type Error struct {
	Record int    // 1-based index of the record in the transaction; 0 if unknown
	Type   int    // record type; 0 if unknown
	Field  int    // field number; 0 if the error is not about one field
	Offset int64  // byte offset in the input (reading) or output (writing); -1 if unknown
	Msg    string // what is wrong
	Err    error  // one of the sentinel errors
}

// Error names the record, type, field and byte offset of the violation.
func (e *Error) Error() string {
	s := "ansinist:"
	if e.Record > 0 {
		s += fmt.Sprintf(" record %d", e.Record)
	}
	if e.Type > 0 {
		s += fmt.Sprintf(" (type %d)", e.Type)
	}
	if e.Field > 0 {
		s += fmt.Sprintf(" field %d.%03d", e.Type, e.Field)
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf(" at byte %d", e.Offset)
	}
	return s + ": " + e.Msg + " (" + sentinelText(e.Err) + ")"
}

func sentinelText(err error) string {
	if err == nil {
		return "error"
	}
	const p = "ansinist: "
	s := err.Error()
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

// errAt builds an *Error.
func errAt(sentinel error, rec, typ, field int, off int64, format string, args ...any) *Error {
	return &Error{Record: rec, Type: typ, Field: field, Offset: off, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}
