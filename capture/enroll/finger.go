package enroll

import (
	"context"
	"errors"
	"fmt"

	"github.com/enrolld/enrolld/capture"
)

// Finger is one captured finger.
type Finger struct {
	Position int
	Image    *capture.FingerImage
	Analysis *FingerAnalysis
	Attempt  int  // which attempt this is (1-based)
	Low      bool // kept as the best of MaxAttempts below MinQuality
}

// FingerOutcome tells the officer what became of a capture.
type FingerOutcome struct {
	Position int    `json:"position"`
	Finger   string `json:"finger"`
	Attempt  int    `json:"attempt"`
	Quality  int    `json:"quality"`
	Accepted bool   `json:"accepted"`          // the finger is done (good, or best of the attempts)
	Low      bool   `json:"low_quality"`       // kept although below the quality gate
	Reason   string `json:"reason,omitempty"`  // why this capture was not accepted
	Next     int    `json:"next,omitempty"`    // the next finger position to capture, 0 when done
	SameAs   int    `json:"same_as,omitempty"` // duplicate of this position
	Retries  int    `json:"retries_left"`      // attempts left for this finger
}

// Quality rejection reasons (metrics label values).
const (
	ReasonLowQuality = "low_quality"
	ReasonDuplicate  = "duplicate_finger"
	ReasonNoMinutiae = "no_minutiae"
)

// CurrentFinger returns the position to capture next, or 0 when the fingers are done.
func (s *Session) CurrentFinger() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.currentFinger()
}

func (s *Session) currentFinger() int {
	if s.step != StepFingers || s.fingerIdx >= len(s.profile.Fingers) {
		return 0
	}
	return s.profile.Fingers[s.fingerIdx]
}

// SubmitFinger gates a capture of the current finger. A capture of at least MinQuality that
// is not the same finger as one already captured is kept at once. Below the gate the best
// attempt so far is remembered and, after MaxAttempts, kept (marked Low). A duplicate is
// never kept: the error wraps ErrDuplicate and the officer asks for the right finger.
func (s *Session) SubmitFinger(ctx context.Context, who Actor, img *capture.FingerImage) (*FingerOutcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return nil, err
	}
	pos := s.currentFinger()
	if pos == 0 {
		return nil, fmt.Errorf("%w: no finger is being captured", ErrStep)
	}
	a, err := s.opt.Analyzer.AnalyzeFinger(ctx, img, pos)
	if err != nil {
		return nil, err
	}
	f := &Finger{Position: pos, Image: img, Analysis: a, Attempt: len(s.attempts[pos]) + 1}
	out := &FingerOutcome{Position: pos, Finger: FingerName(pos), Attempt: f.Attempt, Quality: a.Quality}
	if same := s.duplicateOf(a); same != 0 {
		out.Reason, out.SameAs = ReasonDuplicate, same
		out.Retries = s.opt.MaxAttempts - len(s.attempts[pos])
		if err := s.audit(ctx, who, "finger-rejected", "", fmt.Sprintf("%s attempt %d: same as %s", FingerName(pos), f.Attempt, FingerName(same))); err != nil {
			return nil, err
		}
		return out, fmt.Errorf("%w: this is the %s again; present the %s", ErrDuplicate, FingerName(same), FingerName(pos))
	}
	s.attempts[pos] = append(s.attempts[pos], f)
	out.Retries = s.opt.MaxAttempts - len(s.attempts[pos])
	switch {
	case a.Quality >= s.opt.MinQuality && a.Template != nil && len(a.Template.Minutiae) > 0:
		out.Accepted = true
	case out.Retries <= 0:
		f = s.bestAttempt(pos)
		out.Accepted, out.Low = true, true
		out.Reason = ReasonLowQuality
	default:
		out.Reason = ReasonLowQuality
		if a.Template == nil || len(a.Template.Minutiae) == 0 {
			out.Reason = ReasonNoMinutiae
		}
	}
	action, detail := "finger-rejected", fmt.Sprintf("%s attempt %d quality %d", FingerName(pos), f.Attempt, a.Quality)
	if out.Accepted {
		action = "finger-accepted"
		if out.Low {
			detail = fmt.Sprintf("%s best of %d attempts, quality %d", FingerName(pos), len(s.attempts[pos]), f.Analysis.Quality)
		}
	}
	if err := s.audit(ctx, who, action, "", detail); err != nil {
		s.attempts[pos] = s.attempts[pos][:len(s.attempts[pos])-1]
		return nil, err
	}
	if !out.Accepted {
		return out, fmt.Errorf("%w: %s quality %d below %d; %d attempts left", ErrRejected, FingerName(pos), a.Quality, s.opt.MinQuality, out.Retries)
	}
	f.Low = out.Low
	s.fingers[pos] = f
	s.stamp(f.Image.Captured)
	s.advanceFinger()
	out.Next = s.currentFinger()
	return out, nil
}

// duplicateOf returns the position of an already-captured finger that a matches, or 0.
func (s *Session) duplicateOf(a *FingerAnalysis) int {
	if a.Prepared == nil {
		return 0
	}
	for _, pos := range s.profile.Fingers {
		g := s.fingers[pos]
		if g == nil || g.Analysis.Prepared == nil {
			continue
		}
		if s.opt.Comparer.Compare(a.Prepared, g.Analysis.Prepared) >= s.opt.SameFinger {
			return pos
		}
	}
	return 0
}

func (s *Session) bestAttempt(pos int) *Finger {
	var best *Finger
	for _, f := range s.attempts[pos] {
		if best == nil || f.Analysis.Quality > best.Analysis.Quality {
			best = f
		}
	}
	return best
}

func (s *Session) advanceFinger() {
	s.fingerIdx++
	for s.fingerIdx < len(s.profile.Fingers) && s.hasFingerException(s.profile.Fingers[s.fingerIdx]) {
		s.fingerIdx++
	}
	if s.fingerIdx >= len(s.profile.Fingers) {
		s.step = s.next(StepFingers)
	}
}

// MissingFinger records that the current finger cannot be captured (reason code XX
// amputated, UP unable to print: injured, bandaged) as an exception a supervisor must
// approve, and moves on.
func (s *Session) MissingFinger(ctx context.Context, who Actor, code, note string) (*Exception, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return nil, err
	}
	pos := s.currentFinger()
	if pos == 0 {
		return nil, fmt.Errorf("%w: no finger is being captured", ErrStep)
	}
	if code != CodeAmputated && code != CodeUnableToPrint {
		return nil, fmt.Errorf("%w: missing-finger code %q: use XX (amputated) or UP (unable to print)", ErrRejected, code)
	}
	ex, err := s.raise(ctx, who, ExceptionMissingFinger, pos, code, note)
	if err != nil {
		return nil, err
	}
	delete(s.attempts, pos)
	s.advanceFinger()
	return ex, nil
}

func (s *Session) hasFingerException(pos int) bool {
	for _, e := range s.exceptions {
		if e.Kind == ExceptionMissingFinger && e.Position == pos {
			return true
		}
	}
	return false
}

// IsCaptureError reports whether err is a gate refusal the officer can act on by capturing
// again (as opposed to a device or system failure).
func IsCaptureError(err error) bool {
	return errors.Is(err, ErrRejected) || errors.Is(err, ErrDuplicate)
}
