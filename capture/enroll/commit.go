package enroll

import (
	"context"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture/signature"
)

// Record is a finished enrollment as the TransactionBuilder sees it.
type Record struct {
	Case       Case
	Profile    Profile
	Officer    Actor
	Started    time.Time
	Face       *Face
	Fingers    []*Finger // in profile order, captured ones only
	Signature  *Signature
	Exceptions []Exception
	Search     *SearchResult
}

// Summary is what the review screen shows (no biometric data).
type Summary struct {
	ID         string         `json:"id"`
	Case       Case           `json:"case"`
	Profile    string         `json:"profile"`
	Officer    string         `json:"officer"`
	Step       Step           `json:"step"`
	Face       bool           `json:"face"`
	Fingers    []FingerStatus `json:"fingers"`
	Current    int            `json:"current_finger,omitempty"`
	Signature  bool           `json:"signature"`
	Exceptions []Exception    `json:"exceptions"`
	Search     *SearchResult  `json:"search,omitempty"`
	PacketID   string         `json:"packet_id,omitempty"`
	Open       []string       `json:"open"` // what still blocks the commit
}

// FingerStatus is one finger of the profile on the review screen.
type FingerStatus struct {
	Position int    `json:"position"`
	Finger   string `json:"finger"`
	Captured bool   `json:"captured"`
	Quality  int    `json:"quality"`
	Attempts int    `json:"attempts"`
	Low      bool   `json:"low_quality,omitempty"`
	Missing  string `json:"missing,omitempty"` // exception code
}

// Summary describes the session for the screens.
func (s *Session) Summary() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := Summary{ID: s.id, Case: s.c, Profile: s.profile.Name, Officer: s.officer.ID, Step: s.step,
		Face: s.face != nil, Signature: s.sig != nil, Current: s.currentFinger(), PacketID: s.packetID, Open: s.openItems()}
	for _, pos := range s.profile.Fingers {
		st := FingerStatus{Position: pos, Finger: FingerName(pos), Attempts: len(s.attempts[pos])}
		if f := s.fingers[pos]; f != nil {
			st.Captured, st.Quality, st.Low = true, f.Analysis.Quality, f.Low
		}
		for _, e := range s.exceptions {
			if e.Kind == ExceptionMissingFinger && e.Position == pos {
				st.Missing = e.Code
			}
		}
		sum.Fingers = append(sum.Fingers, st)
	}
	for _, e := range s.exceptions {
		sum.Exceptions = append(sum.Exceptions, *e)
	}
	if s.search != nil {
		r := *s.search
		sum.Search = &r
	}
	return sum
}

// FingerImage returns the kept image of finger pos (for the screens), or nil.
func (s *Session) FingerImage(pos int) *Finger {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fingers[pos]
}

// FaceJPEG returns the accepted photo, or nil.
func (s *Session) FaceJPEG() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.face == nil {
		return nil
	}
	return s.face.JPEG
}

// openItems lists what blocks the commit.
func (s *Session) openItems() []string {
	var open []string
	if s.step != StepReview && s.step != StepCommitted && s.step != StepCancelled {
		open = append(open, "step "+string(s.step)+" is not finished")
	}
	for _, e := range s.exceptions {
		if !e.Approved() {
			open = append(open, fmt.Sprintf("exception %d (%s) awaits a supervisor's approval", e.ID, e.Kind))
		}
	}
	return open
}

// Commit builds the transaction and hands it to the outbox with the "committed" audit event,
// which the outbox stores in the same transaction as the packet. It needs the review step and
// every exception approved. On an error the session stays at review and Commit can be
// retried; the outbox commits whole packets only.
func (s *Session) Commit(ctx context.Context, who Actor) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return "", err
	}
	if err := s.at(StepReview); err != nil {
		return "", err
	}
	if open := s.openItems(); len(open) > 0 {
		return "", fmt.Errorf("%w: %v", ErrPending, open)
	}
	rec := s.record()
	tx, err := s.opt.Builder.Build(rec)
	if err != nil {
		return "", fmt.Errorf("enroll: build transaction: %w", err)
	}
	committed := s.event(who, "committed", "", fmt.Sprintf("%d bytes", len(tx)))
	id, err := s.opt.Outbox.Commit(ctx, Packet{OperatorID: s.officer.ID, CaptureTimes: s.times,
		ContentType: s.opt.Builder.ContentType(), Transaction: tx, Audit: []Event{committed}})
	if err != nil {
		_ = s.audit(ctx, who, "commit-failed", "", err.Error()) // a record of the attempt; nothing was stored
		return "", fmt.Errorf("enroll: outbox: %w", err)
	}
	s.packetID = id
	s.step = StepCommitted
	s.clear()
	return id, nil
}

func (s *Session) record() *Record {
	r := &Record{Case: s.c, Profile: s.profile, Officer: s.officer, Started: s.started, Face: s.face,
		Signature: s.sig, Search: s.search}
	for _, pos := range s.profile.Fingers {
		if f := s.fingers[pos]; f != nil {
			r.Fingers = append(r.Fingers, f)
		}
	}
	for _, e := range s.exceptions {
		r.Exceptions = append(r.Exceptions, *e)
	}
	return r
}

// SignatureData returns the accepted signature, or nil.
func (s *Session) SignatureData() *signature.Signature {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sig == nil {
		return nil
	}
	return s.sig.Sig
}
