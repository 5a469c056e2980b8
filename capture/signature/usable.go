package signature

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnusable is wrapped by every *UnusableError.
var ErrUnusable = errors.New("signature: unusable")

// Reason says why a signature is unusable.
type Reason string

// Reasons a signature is refused.
const (
	TooFewStrokes Reason = "too few strokes"
	TooLittleInk  Reason = "too little ink"
	TooShort      Reason = "too short"
)

// UnusableError reports an unusable signature and why.
type UnusableError struct {
	Reason Reason
	Detail string // the measured value against the limit
}

// Error gives the reason and the measurement.
func (e *UnusableError) Error() string {
	return fmt.Sprintf("signature: unusable: %s (%s)", e.Reason, e.Detail)
}

// Unwrap makes errors.Is(err, ErrUnusable) true.
func (e *UnusableError) Unwrap() error { return ErrUnusable }

// Criteria are the minimums a usable signature meets. Zero fields take the defaults.
type Criteria struct {
	// MinStrokes is the fewest pen-down strokes; default 2 (a name and more, not a tick).
	MinStrokes int
	// MinInkMM is the least total pen-down path; default 40 mm.
	MinInkMM float64
	// MinDuration is the least time from first touch to last lift; default 500 ms.
	MinDuration time.Duration
}

func (c *Criteria) withDefaults() Criteria {
	var r Criteria
	if c != nil {
		r = *c
	}
	if r.MinStrokes == 0 {
		r.MinStrokes = 2
	}
	if r.MinInkMM == 0 {
		r.MinInkMM = 40
	}
	if r.MinDuration == 0 {
		r.MinDuration = 500 * time.Millisecond
	}
	return r
}

// Check returns nil for a usable signature, or an *UnusableError naming the first
// criterion it fails (strokes, then ink, then duration).
func (s *Signature) Check(c *Criteria) error {
	cr := c.withDefaults()
	st := s.Stats()
	switch {
	case st.Strokes < cr.MinStrokes:
		return &UnusableError{TooFewStrokes, fmt.Sprintf("%d strokes, need %d", st.Strokes, cr.MinStrokes)}
	case st.InkMM < cr.MinInkMM:
		return &UnusableError{TooLittleInk, fmt.Sprintf("%.1f mm of ink, need %.0f mm", st.InkMM, cr.MinInkMM)}
	case st.Duration < cr.MinDuration:
		return &UnusableError{TooShort, fmt.Sprintf("%v at the pad, need %v", st.Duration.Round(time.Millisecond), cr.MinDuration)}
	}
	return nil
}
