package enroll

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/enrolld/enrolld/capture/signature"
	"github.com/enrolld/enrolld/matcher"
)

// Signature is the accepted signature.
type Signature struct {
	Sig *signature.Signature
}

// SubmitSignature checks a signature's usability; a usable one moves on, an unusable one
// returns the *signature.UnusableError (wrapped with ErrRejected) for another try.
func (s *Session) SubmitSignature(ctx context.Context, who Actor, sig *signature.Signature) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return err
	}
	if err := s.at(StepSignature); err != nil {
		return err
	}
	if err := sig.Check(s.opt.Signature); err != nil {
		var ue *signature.UnusableError
		detail := err.Error()
		if errors.As(err, &ue) {
			detail = string(ue.Reason)
		}
		if aerr := s.audit(ctx, who, "signature-rejected", "", detail); aerr != nil {
			return aerr
		}
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if err := s.audit(ctx, who, "signature-accepted", "", ""); err != nil {
		return err
	}
	s.sig = &Signature{Sig: sig}
	if n := len(sig.Samples); n > 0 {
		s.stamp(sig.Samples[n-1].Time)
	}
	s.step = s.next(StepSignature)
	return nil
}

// UnableToSign records that the applicant cannot sign, as an exception a supervisor must
// approve, and moves on.
func (s *Session) UnableToSign(ctx context.Context, who Actor, note string) (*Exception, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return nil, err
	}
	if err := s.at(StepSignature); err != nil {
		return nil, err
	}
	ex, err := s.raise(ctx, who, ExceptionUnableToSign, 0, "", note)
	if err != nil {
		return nil, err
	}
	s.sig = nil
	s.step = s.next(StepSignature)
	return ex, nil
}

// Decision is what the officer did with a search hit.
type Decision string

// Decisions on a hit.
const (
	DecisionReuse    Decision = "reuse"    // the applicant is the registered subject: reuse the stored biometrics
	DecisionContinue Decision = "continue" // a new registration despite the hit, with a justification
)

// SearchResult is the outcome of the search step.
type SearchResult struct {
	Candidates    []Candidate `json:"candidates"`
	Decision      Decision    `json:"decision,omitempty"`
	SubjectID     string      `json:"subject_id,omitempty"` // the reused subject
	Justification string      `json:"justification,omitempty"`
}

// Hit reports whether the search found anyone.
func (r *SearchResult) Hit() bool { return len(r.Candidates) > 0 }

// Search runs the 1:N search with the captured fingers. Without a hit the session moves on
// to review; with one it waits for Decide.
func (s *Session) Search(ctx context.Context, who Actor) (*SearchResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return nil, err
	}
	if err := s.at(StepSearch); err != nil {
		return nil, err
	}
	var probes []*matcher.Template
	for _, pos := range s.profile.Fingers {
		if f := s.fingers[pos]; f != nil && f.Analysis.Template != nil {
			probes = append(probes, f.Analysis.Template)
		}
	}
	cands, err := s.opt.Searcher.Search(ctx, probes)
	if err != nil {
		return nil, fmt.Errorf("enroll: search: %w", err)
	}
	res := &SearchResult{Candidates: cands}
	detail := "no hit"
	if res.Hit() {
		detail = fmt.Sprintf("hit: %d candidates, best %s score %.3f", len(cands), cands[0].SubjectID, cands[0].Score)
	}
	if err := s.audit(ctx, who, "search", "", detail); err != nil {
		return nil, err
	}
	s.search = res
	if !res.Hit() {
		s.step = StepReview
	}
	return res, nil
}

// Decide records the officer's decision on a hit: reuse of subject (one of the candidates)
// or continue with a justification.
func (s *Session) Decide(ctx context.Context, who Actor, d Decision, subject, justification string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return err
	}
	if err := s.at(StepSearch); err != nil {
		return err
	}
	if s.search == nil || !s.search.Hit() {
		return fmt.Errorf("%w: there is no hit to decide on", ErrStep)
	}
	justification = strings.TrimSpace(justification)
	switch d {
	case DecisionReuse:
		found := false
		for _, c := range s.search.Candidates {
			found = found || c.SubjectID == subject
		}
		if !found {
			return fmt.Errorf("%w: subject %q is not among the candidates", ErrRejected, subject)
		}
	case DecisionContinue:
		if justification == "" {
			return fmt.Errorf("%w: continuing despite a hit needs a justification", ErrRejected)
		}
		subject = ""
	default:
		return fmt.Errorf("%w: decision %q: use reuse or continue", ErrRejected, d)
	}
	if err := s.audit(ctx, who, "search-decision", justification, string(d)+" "+subject); err != nil {
		return err
	}
	s.search.Decision, s.search.SubjectID, s.search.Justification = d, subject, justification
	s.step = StepReview
	return nil
}
