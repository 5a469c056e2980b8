package iso19794

import (
	"errors"
	"fmt"
)

// Sentinel errors; every *Error wraps one of them.
var (
	// ErrFormat means the record does not start with the expected format identifier.
	ErrFormat = errors.New("iso19794: not a record of this format")
	// ErrVersion means the record uses an edition this package does not read.
	ErrVersion = errors.New("iso19794: unsupported version")
	// ErrLength means a length field disagrees with the data.
	ErrLength = errors.New("iso19794: bad length")
	// ErrTruncated means the data ends inside a header or block.
	ErrTruncated = errors.New("iso19794: truncated record")
	// ErrValue means a value is out of range.
	ErrValue = errors.New("iso19794: invalid value")
)

// Error locates a problem in a record.
type Error struct {
	Part   int    // 4 or 5
	Block  int    // 1-based finger view or face; 0 for the general header
	Field  string // name of the field, e.g. "record length"
	Offset int    // byte offset in the record
	Msg    string // what is wrong
	Err    error  // the sentinel error it wraps
}

// Error names the part, the block, the field and the byte offset of the problem.
func (e *Error) Error() string {
	where := "header"
	if e.Block > 0 {
		where = fmt.Sprintf("block %d", e.Block)
	}
	return fmt.Sprintf("iso19794-%d: %s %s at byte %d: %s", e.Part, where, e.Field, e.Offset, e.Msg)
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

func errAt(sentinel error, part, block int, field string, off int, format string, args ...any) *Error {
	return &Error{Part: part, Block: block, Field: field, Offset: off, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}
