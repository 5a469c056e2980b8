package enroll

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	stdsync "sync"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/signature"
	"github.com/enrolld/enrolld/matcher"
)

// Step is where a session stands.
type Step string

// Steps in order.
const (
	StepFace      Step = "face"
	StepFingers   Step = "fingers"
	StepSignature Step = "signature"
	StepSearch    Step = "search"
	StepReview    Step = "review"
	StepCommitted Step = "committed"
	StepCancelled Step = "cancelled"
)

// Options are the collaborators and gates of a session. Auditor, Builder and Outbox are
// required; FaceChecker, Analyzer and Comparer are required when the profile asks for a
// face or fingers; Searcher is optional (no search step without it).
type Options struct {
	Auditor     Auditor
	FaceChecker FaceChecker
	Analyzer    FingerAnalyzer
	Comparer    Comparer
	Searcher    Searcher
	Builder     TransactionBuilder
	Outbox      Outbox

	MinQuality  int     // finger quality (extract.Quality.Score) accepted at once, default 35
	MaxAttempts int     // captures per finger before the best is kept, default 3
	SameFinger  float64 // raw similarity at or above which two fingers are the same; default at FMR 1e-5
	Signature   *signature.Criteria
	Now         func() time.Time // default time.Now
}

func (o *Options) withDefaults(p *Profile) (Options, error) {
	r := *o
	if r.MinQuality == 0 {
		r.MinQuality = 35
	}
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 3
	}
	if r.SameFinger == 0 {
		r.SameFinger = matcher.ThresholdForFMR(1e-5)
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	switch {
	case r.Auditor == nil || r.Builder == nil || r.Outbox == nil:
		return r, fmt.Errorf("%w: Auditor, Builder and Outbox are required", ErrProfile)
	case p.Face && r.FaceChecker == nil:
		return r, fmt.Errorf("%w: profile %s needs a face checker", ErrProfile, p.Name)
	case len(p.Fingers) > 0 && (r.Analyzer == nil || r.Comparer == nil):
		return r, fmt.Errorf("%w: profile %s needs a finger analyzer and comparer", ErrProfile, p.Name)
	}
	return r, nil
}

// Session is one enrollment in progress. Its methods are safe for concurrent use; device
// captures happen outside it and their results are handed in.
type Session struct {
	mu      stdsync.Mutex
	opt     Options
	id      string
	c       Case
	profile Profile
	officer Actor
	started time.Time
	step    Step

	face       *Face
	faceTries  int
	fingers    map[int]*Finger // accepted (or best-of-attempts) fingers by position
	fingerIdx  int             // index into profile.Fingers of the finger being captured
	attempts   map[int][]*Finger
	sig        *Signature
	exceptions []*Exception
	search     *SearchResult
	packetID   string
	times      []time.Time
}

// Start validates the case and profile, records the start and returns the session at its
// first step. Only officers and supervisors may start enrollments.
func Start(ctx context.Context, c Case, p Profile, officer Actor, o Options) (*Session, error) {
	opt, err := o.withDefaults(&p)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := c.Validate(opt.Now()); err != nil {
		return nil, err
	}
	if officer.ID == "" || (officer.Role != RoleOfficer && officer.Role != RoleSupervisor) {
		return nil, fmt.Errorf("%w: %q may not enroll", ErrRole, officer.Role)
	}
	s := &Session{opt: opt, id: newID(), c: c, profile: p, officer: officer, started: opt.Now(),
		fingers: map[int]*Finger{}, attempts: map[int][]*Finger{}}
	s.step = s.firstStep()
	if err := s.audit(ctx, officer, "start", "", "profile "+p.Name); err != nil {
		return nil, err
	}
	return s, nil
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ID is the session's random identifier (not the case number).
func (s *Session) ID() string { return s.id }

// Officer is who runs the enrollment.
func (s *Session) Officer() Actor { return s.officer }

// Case returns the session's case.
func (s *Session) Case() Case { return s.c }

// Profile returns the session's profile.
func (s *Session) Profile() Profile { return s.profile }

// Step returns the current step.
func (s *Session) Step() Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.step
}

func (s *Session) firstStep() Step {
	switch {
	case s.profile.Face:
		return StepFace
	case len(s.profile.Fingers) > 0:
		return StepFingers
	case s.profile.Signature:
		return StepSignature
	}
	return StepReview
}

// next returns the step after from in this session's sequence.
func (s *Session) next(from Step) Step {
	order := []Step{StepFace, StepFingers, StepSignature, StepSearch, StepReview}
	i := 0
	for i < len(order) && order[i] != from {
		i++
	}
	for i++; i < len(order); i++ {
		switch order[i] {
		case StepFingers:
			if len(s.profile.Fingers) > 0 {
				return StepFingers
			}
		case StepSignature:
			if s.profile.Signature {
				return StepSignature
			}
		case StepSearch:
			if s.opt.Searcher != nil && len(s.fingers) > 0 {
				return StepSearch
			}
		case StepReview:
			return StepReview
		}
	}
	return StepReview
}

// event is an audit event of this session.
func (s *Session) event(who Actor, action, justification, detail string) Event {
	return Event{Time: s.opt.Now().UTC(), Actor: who.ID, Role: who.Role, Action: action, Case: s.c.Receipt,
		Justification: justification, Detail: detail}
}

// MaxJustification is the longest justification, note or reason an action takes, in bytes:
// it goes into the audit log, whose entries are small records.
const MaxJustification = 2000

// audit records the event before its action takes effect; the caller holds s.mu (or has not
// published s yet) and changes the session only when audit returns nil.
func (s *Session) audit(ctx context.Context, who Actor, action, justification, detail string) error {
	if len(justification) > MaxJustification {
		return fmt.Errorf("%w: %s: the justification or note is %d bytes, at most %d", ErrRejected, action, len(justification), MaxJustification)
	}
	if err := s.opt.Auditor.Record(ctx, s.event(who, action, justification, detail)); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrAudit, action, err)
	}
	return nil
}

// open checks that the session is still running and that who may act on it.
func (s *Session) open(who Actor) error {
	if s.step == StepCommitted || s.step == StepCancelled {
		return fmt.Errorf("%w (%s)", ErrClosed, s.step)
	}
	if who.ID != s.officer.ID {
		return fmt.Errorf("%w: only %s's officer may act on this enrollment", ErrRole, s.c.Receipt)
	}
	return nil
}

func (s *Session) at(want Step) error {
	if s.step != want {
		return fmt.Errorf("%w: the enrollment is at %s, not %s", ErrStep, s.step, want)
	}
	return nil
}

// Cancel abandons the enrollment with a reason; nothing of it is kept.
func (s *Session) Cancel(ctx context.Context, who Actor, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return err
	}
	if reason == "" {
		return fmt.Errorf("%w: a cancellation needs a reason", ErrRejected)
	}
	if err := s.audit(ctx, who, "cancel", reason, string(s.step)); err != nil {
		return err
	}
	s.step = StepCancelled
	s.clear()
	return nil
}

// clear drops the biometric data held in memory.
func (s *Session) clear() {
	s.face, s.sig = nil, nil
	s.fingers, s.attempts = map[int]*Finger{}, map[int][]*Finger{}
}

// Redo goes back to step (face, fingers, signature or search) to capture it again; the
// data captured there is discarded. Redoing fingers also discards the search.
func (s *Session) Redo(ctx context.Context, who Actor, step Step) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return err
	}
	var discard func()
	switch {
	case step == StepFace && s.profile.Face:
		discard = func() { s.face, s.faceTries = nil, 0 }
	case step == StepFingers && len(s.profile.Fingers) > 0:
		discard = func() {
			s.fingers, s.attempts, s.fingerIdx, s.search = map[int]*Finger{}, map[int][]*Finger{}, 0, nil
			s.dropExceptions(ExceptionMissingFinger)
		}
	case step == StepSignature && s.profile.Signature:
		discard = func() { s.sig = nil; s.dropExceptions(ExceptionUnableToSign) }
	case step == StepSearch && s.opt.Searcher != nil && len(s.fingers) > 0:
		discard = func() { s.search = nil }
	default:
		return fmt.Errorf("%w: cannot redo %q in this enrollment", ErrStep, step)
	}
	if err := s.audit(ctx, who, "redo", "", string(step)); err != nil {
		return err
	}
	discard()
	s.step = step
	return nil
}

func (s *Session) stamp(t time.Time) {
	if t.IsZero() {
		t = s.opt.Now()
	}
	s.times = append(s.times, t.UTC())
}

// Face is the accepted photograph.
type Face struct {
	JPEG     []byte
	Captured time.Time
}

// SubmitFace checks a still; an accepted photo moves on to the next step, a refused one
// returns the reasons (wrapping ErrRejected) and the officer takes another.
func (s *Session) SubmitFace(ctx context.Context, who Actor, still *capture.Still) (*FaceResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(who); err != nil {
		return nil, err
	}
	if err := s.at(StepFace); err != nil {
		return nil, err
	}
	res, err := s.opt.FaceChecker.CheckFace(ctx, still)
	if err != nil {
		return nil, err
	}
	try := s.faceTries + 1
	if len(res.Problems) > 0 || len(res.JPEG) == 0 {
		if err := s.audit(ctx, who, "face-rejected", "", fmt.Sprintf("attempt %d: %v", try, res.Problems)); err != nil {
			return nil, err
		}
		s.faceTries = try
		return res, fmt.Errorf("%w: %v", ErrRejected, res.Problems)
	}
	if err := s.audit(ctx, who, "face-accepted", "", fmt.Sprintf("attempt %d", try)); err != nil {
		return nil, err
	}
	s.faceTries = try
	s.face = &Face{JPEG: res.JPEG, Captured: still.Captured}
	s.stamp(still.Captured)
	s.step = s.next(StepFace)
	return res, nil
}
