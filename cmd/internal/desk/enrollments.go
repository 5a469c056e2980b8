package desk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/capture/enroll"
)

var (
	errNoDevice = errors.New("desk: device not available")
	errDeadline = errors.New("desk: the device did not answer in time")
)

// startRequest opens an enrollment for a case.
type startRequest struct {
	Receipt     string `json:"receipt"`
	Type        string `json:"application_type"`
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth"` // YYYY-MM-DD
}

// answer is the body of every enrollment answer: the session summary, and the outcome of
// the action when it has one.
type answer struct {
	Summary enroll.Summary `json:"summary"`
	Outcome any            `json:"outcome,omitempty"`
	Error   string         `json:"error,omitempty"`
}

func (s *Server) serveStart(w http.ResponseWriter, r *http.Request, u *userSession) {
	var req startRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
		return
	}
	if s.opt.Refused != nil {
		if why := s.opt.Refused(); why != "" {
			writeError(w, http.StatusServiceUnavailable, "the station takes no new enrollments now: "+why)
			return
		}
	}
	dob, err := time.Parse(time.DateOnly, req.DateOfBirth)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "date of birth must be YYYY-MM-DD")
		return
	}
	p, ok := s.profiles[req.Type]
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("no profile for application type %q", req.Type))
		return
	}
	c := enroll.Case{Receipt: req.Receipt, Type: req.Type, Name: req.Name, DateOfBirth: dob}
	sess, err := enroll.Start(r.Context(), c, p, u.actor, s.opt.Enroll)
	if err != nil {
		writeError(w, statusOf(err), err.Error())
		return
	}
	s.expire(r.Context())
	s.mu.Lock()
	s.sessions[sess.ID()] = sess
	s.touched[sess.ID()] = s.opt.Now()
	s.started[sess.ID()] = map[enroll.Step]time.Time{sess.Step(): s.opt.Now()}
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, answer{Summary: sess.Summary()})
}

// lookup finds the enrollment of the request and checks that u may see it: its officer, or
// any supervisor.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, u *userSession) *enroll.Session {
	s.mu.Lock()
	sess := s.sessions[r.PathValue("id")]
	s.mu.Unlock()
	if sess == nil {
		writeError(w, http.StatusNotFound, "no such enrollment")
		return nil
	}
	if sess.Officer().ID != u.actor.ID && u.actor.Role != enroll.RoleSupervisor {
		writeError(w, http.StatusForbidden, "this enrollment belongs to another officer")
		return nil
	}
	return sess
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, u *userSession) {
	s.expire(r.Context())
	s.mu.Lock()
	var out []enroll.Summary
	for _, sess := range s.sessions {
		if sess.Officer().ID == u.actor.ID || u.actor.Role == enroll.RoleSupervisor {
			sum := sess.Summary()
			if sum.Step != enroll.StepCommitted && sum.Step != enroll.StepCancelled {
				out = append(out, sum)
			}
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Case.Receipt < out[j].Case.Receipt })
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) serveSummary(w http.ResponseWriter, r *http.Request, u *userSession) {
	if sess := s.lookup(w, r, u); sess != nil {
		writeJSON(w, http.StatusOK, answer{Summary: sess.Summary()})
	}
}

// reply writes the summary, the outcome and the error, and keeps the step metrics.
func (s *Server) reply(w http.ResponseWriter, sess *enroll.Session, outcome any, err error, okCode int) {
	s.track(sess)
	a := answer{Summary: sess.Summary(), Outcome: outcome}
	code := okCode
	if err != nil {
		a.Error, code = err.Error(), statusOf(err)
	}
	writeJSON(w, code, a)
}

// track observes how long each step took when the session moves on.
func (s *Server) track(sess *enroll.Session) {
	now := s.opt.Now()
	step := sess.Step()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.touched[sess.ID()] = now
	st := s.started[sess.ID()]
	if st == nil {
		return
	}
	if _, seen := st[step]; seen {
		return
	}
	for prev, t := range st {
		if prev != "" {
			s.metrics.stepSeconds.WithLabelValues(string(prev)).Observe(now.Sub(t).Seconds())
			delete(st, prev)
		}
	}
	st[step] = now
	switch step {
	case enroll.StepCommitted, enroll.StepCancelled:
		s.metrics.enrollments.WithLabelValues(string(step)).Inc()
		delete(s.started, sess.ID())
		delete(s.sessions, sess.ID())
		delete(s.touched, sess.ID())
		delete(s.lives, sess.ID())
	}
}

func (s *Server) capture(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.opt.CaptureTimeout)
}

func deviceErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: %v", errDeadline, err)
	}
	return fmt.Errorf("%w: %v", errNoDevice, err)
}

func (s *Server) serveFace(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	cam := s.opt.Devices.Camera()
	if cam == nil {
		s.reply(w, sess, nil, fmt.Errorf("%w: no camera", errNoDevice), 0)
		return
	}
	ctx, cancel := s.capture(r)
	defer cancel()
	still, err := cam.CaptureStill(ctx)
	if err != nil {
		s.reply(w, sess, nil, deviceErr(ctx, err), 0)
		return
	}
	res, err := sess.SubmitFace(r.Context(), u.actor, still)
	if errors.Is(err, enroll.ErrRejected) && res != nil {
		for _, p := range res.Problems {
			s.metrics.rejections.WithLabelValues("face", problemLabel(p)).Inc()
		}
	}
	s.reply(w, sess, res, err, http.StatusOK)
}

func (s *Server) serveFaceJPEG(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	b := sess.FaceJPEG()
	if b == nil {
		writeError(w, http.StatusNotFound, "no photo")
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(b)
}

func (s *Server) serveFinger(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	sc := s.opt.Devices.Scanner()
	if sc == nil {
		s.reply(w, sess, nil, fmt.Errorf("%w: no fingerprint scanner", errNoDevice), 0)
		return
	}
	if sess.CurrentFinger() == 0 {
		s.reply(w, sess, nil, fmt.Errorf("%w: no finger is being captured", enroll.ErrStep), 0)
		return
	}
	ctx, cancel := s.capture(r)
	defer cancel()
	img, err := sc.CaptureFinger(ctx, nil)
	if err != nil {
		s.reply(w, sess, nil, deviceErr(ctx, err), 0)
		return
	}
	out, err := sess.SubmitFinger(r.Context(), u.actor, img)
	if out != nil && out.Reason != "" {
		s.metrics.rejections.WithLabelValues("finger", out.Reason).Inc()
	}
	s.reply(w, sess, out, err, http.StatusOK)
}

type exceptionRequest struct {
	Code string `json:"code"`
	Note string `json:"note"`
}

func (s *Server) serveMissing(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	var req exceptionRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
		return
	}
	ex, err := sess.MissingFinger(r.Context(), u.actor, req.Code, req.Note)
	if err == nil {
		s.metrics.exceptions.WithLabelValues(string(ex.Kind)).Inc()
	}
	s.reply(w, sess, ex, err, http.StatusOK)
}

func (s *Server) serveFingerImage(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	pos, _ := strconv.Atoi(r.PathValue("pos"))
	f := sess.FingerImage(pos)
	if f == nil {
		writeError(w, http.StatusNotFound, "no image for this finger")
		return
	}
	writePNG(w, f.Image.Width, f.Image.Height, f.Image.Pix)
}

type noteRequest struct {
	Note string `json:"note"`
}

func (s *Server) serveUnable(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	var req noteRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
		return
	}
	ex, err := sess.UnableToSign(r.Context(), u.actor, req.Note)
	if err == nil {
		s.metrics.exceptions.WithLabelValues(string(ex.Kind)).Inc()
	}
	s.reply(w, sess, ex, err, http.StatusOK)
}

func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	res, err := sess.Search(r.Context(), u.actor)
	if err == nil {
		outcome := "no_hit"
		if res.Hit() {
			outcome = "hit"
		}
		s.metrics.searches.WithLabelValues(outcome).Inc()
	}
	s.reply(w, sess, res, err, http.StatusOK)
}

type decisionRequest struct {
	Decision      enroll.Decision `json:"decision"`
	SubjectID     string          `json:"subject_id"`
	Justification string          `json:"justification"`
}

func (s *Server) serveDecision(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	var req decisionRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
		return
	}
	err := sess.Decide(r.Context(), u.actor, req.Decision, req.SubjectID, req.Justification)
	s.reply(w, sess, nil, err, http.StatusOK)
}

type stepRequest struct {
	Step enroll.Step `json:"step"`
}

func (s *Server) serveRedo(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	var req stepRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
		return
	}
	s.reply(w, sess, nil, sess.Redo(r.Context(), u.actor, req.Step), http.StatusOK)
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) serveCancel(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	var req reasonRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
		return
	}
	s.reply(w, sess, nil, sess.Cancel(r.Context(), u.actor, req.Reason), http.StatusOK)
}

func (s *Server) serveCommit(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	id, err := sess.Commit(r.Context(), u.actor)
	if err != nil && !errors.Is(err, enroll.ErrPending) && !errors.Is(err, enroll.ErrRole) && !errors.Is(err, enroll.ErrStep) {
		s.metrics.enrollments.WithLabelValues("commit_failed").Inc()
	}
	s.reply(w, sess, map[string]string{"packet_id": id}, err, http.StatusOK)
}

type approveRequest struct {
	Justification string `json:"justification"`
}

func (s *Server) serveApprove(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	var req approveRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "exception number must be an integer")
		return
	}
	s.reply(w, sess, nil, sess.Approve(r.Context(), u.actor, n, req.Justification), http.StatusOK)
}

// expire cancels the open enrollments untouched for EnrollmentTTL (audited as a
// cancellation by their officer with the reason "expired"), so abandoned biometric data
// does not stay in memory.
func (s *Server) expire(ctx context.Context) {
	now := s.opt.Now()
	s.mu.Lock()
	var old []*enroll.Session
	for id, t := range s.touched {
		if now.Sub(t) > s.opt.EnrollmentTTL {
			old = append(old, s.sessions[id])
		}
	}
	s.mu.Unlock()
	for _, sess := range old {
		if sess == nil {
			continue
		}
		if err := sess.Cancel(ctx, sess.Officer(), "expired: no action for "+s.opt.EnrollmentTTL.String()); err != nil {
			s.log.Warn("desk: expiring an abandoned enrollment failed", "err", err)
		}
		s.track(sess)
	}
}
