package wsq

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every decoding failure is a *FormatError wrapping one of
// them, so callers can test with errors.Is and still learn where it failed.
var (
	// ErrFormat means the data violates the WSQ syntax.
	ErrFormat = errors.New("wsq: malformed data")
	// ErrTruncated means the data ends inside a marker segment or block.
	ErrTruncated = errors.New("wsq: unexpected end of data")
	// ErrUnsupported means the data is well formed but uses a feature this
	// package does not implement (for example even-length filters).
	ErrUnsupported = errors.New("wsq: unsupported feature")
	// ErrTooLarge means the frame exceeds DecodeOptions.MaxPixels.
	ErrTooLarge = errors.New("wsq: image too large")
	// ErrInvalidImage means the encoder was given an image it cannot code.
	ErrInvalidImage = errors.New("wsq: invalid image")
	// ErrInvalidOptions means the encoder options are out of range.
	ErrInvalidOptions = errors.New("wsq: invalid options")
)

// FormatError describes malformed or unsupported input: the marker segment
// being read ("SOI", "SOF", "DHT", "SOB", ...) and the byte offset, from the
// start of the data, where the problem was found.
type FormatError struct {
	Segment string // marker segment name, e.g. "DQT"
	Offset  int    // byte offset of the offending data
	Msg     string // what is wrong
	Err     error  // one of ErrFormat, ErrTruncated, ErrUnsupported, ErrTooLarge
}

// Error names the segment, the byte offset and what is wrong there.
func (e *FormatError) Error() string {
	return fmt.Sprintf("wsq: %s at byte %d: %s", e.Segment, e.Offset, e.Msg)
}

// Unwrap returns the sentinel error.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(seg string, off int, sentinel error, format string, args ...any) error {
	return &FormatError{Segment: seg, Offset: off, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}
