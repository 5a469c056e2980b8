package enroll

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ExceptionKind is the type of an exception (a metrics label value).
type ExceptionKind string

// Exception kinds.
const (
	ExceptionMissingFinger ExceptionKind = "missing_finger"
	ExceptionUnableToSign  ExceptionKind = "unable_to_sign"
)

// Reason codes of a missing finger, after ANSI/NIST-ITL field 14.018 AMP.
const (
	CodeAmputated     = "XX"
	CodeUnableToPrint = "UP"
)

// Exception is a deviation from the profile that a supervisor must approve.
type Exception struct {
	ID         int           `json:"id"`
	Kind       ExceptionKind `json:"kind"`
	Position   int           `json:"position,omitempty"` // missing finger
	Code       string        `json:"code,omitempty"`
	Note       string        `json:"note"`
	RaisedBy   string        `json:"raised_by"`
	ApprovedBy string        `json:"approved_by,omitempty"`
	ApprovedAt time.Time     `json:"approved_at,omitzero"`
}

// Approved reports whether a supervisor approved the exception.
func (e *Exception) Approved() bool { return e.ApprovedBy != "" }

func (s *Session) raise(ctx context.Context, who Actor, kind ExceptionKind, pos int, code, note string) (*Exception, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, fmt.Errorf("%w: an exception needs a note saying what was seen", ErrRejected)
	}
	ex := &Exception{ID: len(s.exceptions) + 1, Kind: kind, Position: pos, Code: code, Note: note, RaisedBy: who.ID}
	detail := string(kind)
	if pos != 0 {
		detail += " " + FingerName(pos) + " " + code
	}
	if err := s.audit(ctx, who, "exception-raised", note, detail); err != nil {
		return nil, err
	}
	s.exceptions = append(s.exceptions, ex)
	return ex, nil
}

func (s *Session) dropExceptions(kind ExceptionKind) {
	kept := s.exceptions[:0]
	for _, e := range s.exceptions {
		if e.Kind != kind {
			kept = append(kept, e)
		}
	}
	s.exceptions = kept
}

// Approve records a supervisor's approval of exception id. The supervisor must not be the
// officer running the enrollment (four eyes).
func (s *Session) Approve(ctx context.Context, sup Actor, id int, justification string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.step == StepCommitted || s.step == StepCancelled {
		return fmt.Errorf("%w (%s)", ErrClosed, s.step)
	}
	if sup.Role != RoleSupervisor {
		return fmt.Errorf("%w: only a supervisor approves exceptions", ErrRole)
	}
	if sup.ID == s.officer.ID {
		return ErrFourEyes
	}
	var ex *Exception
	for _, e := range s.exceptions {
		if e.ID == id {
			ex = e
		}
	}
	if ex == nil {
		return fmt.Errorf("%w: no exception %d", ErrStep, id)
	}
	if ex.Approved() {
		return fmt.Errorf("%w: exception %d already approved by %s", ErrStep, id, ex.ApprovedBy)
	}
	if err := s.audit(ctx, sup, "exception-approved", justification, fmt.Sprintf("%d %s", id, ex.Kind)); err != nil {
		return err
	}
	ex.ApprovedBy, ex.ApprovedAt = sup.ID, s.opt.Now().UTC()
	return nil
}
