package desk

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/enrolld/enrolld/capture/enroll"
)

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{msg})
}

// decode reads a JSON body of at most 64 KiB into v, rejecting unknown fields.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// statusOf maps workflow errors to HTTP statuses.
func statusOf(err error) int {
	switch {
	case errors.Is(err, enroll.ErrRole), errors.Is(err, enroll.ErrFourEyes):
		return http.StatusForbidden
	case errors.Is(err, enroll.ErrStep), errors.Is(err, enroll.ErrPending), errors.Is(err, enroll.ErrClosed):
		return http.StatusConflict
	case errors.Is(err, enroll.ErrCase), errors.Is(err, enroll.ErrProfile), errors.Is(err, enroll.ErrRejected), errors.Is(err, enroll.ErrDuplicate):
		return http.StatusUnprocessableEntity
	case errors.Is(err, enroll.ErrAudit):
		return http.StatusServiceUnavailable
	case errors.Is(err, errNoDevice):
		return http.StatusServiceUnavailable
	case errors.Is(err, errDeadline):
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// me is what the page knows about the signed-in user.
type me struct {
	User  string      `json:"user"`
	Name  string      `json:"name"`
	Role  enroll.Role `json:"role"`
	CSRF  string      `json:"csrf"`
	Idle  int         `json:"idle_timeout_seconds"`
	Until time.Time   `json:"-"`
}

func (s *Server) meOf(u *userSession) me {
	return me{User: u.actor.ID, Name: u.name, Role: u.actor.Role, CSRF: u.csrf, Idle: int(s.opt.IdleTimeout / time.Second)}
}

func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
		writeError(w, http.StatusForbidden, "sign-in from another site refused")
		return
	}
	var req loginRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "body must be {\"user\":…,\"password\":…}")
		return
	}
	u, err := s.auth.login(req.User, req.Password)
	ev := enroll.Event{Time: s.opt.Now().UTC(), Actor: req.User, Action: "sign-in"}
	if err != nil {
		ev.Action, ev.Detail = "sign-in-failed", err.Error()
		s.metrics.logins.WithLabelValues(outcomeOf(err)).Inc()
		_ = s.opt.Enroll.Auditor.Record(r.Context(), ev)
		code := http.StatusUnauthorized
		if errors.Is(err, ErrLockedOut) {
			code = http.StatusTooManyRequests
		}
		writeError(w, code, err.Error())
		return
	}
	ev.Role = u.actor.Role
	if err := s.opt.Enroll.Auditor.Record(r.Context(), ev); err != nil {
		s.auth.logout(u.token)
		writeError(w, http.StatusServiceUnavailable, "audit log unavailable: "+err.Error())
		return
	}
	s.metrics.logins.WithLabelValues("ok").Inc()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: u.token, Path: "/", HttpOnly: true,
		Secure: !s.opt.InsecureCookies, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, s.meOf(u))
}

func outcomeOf(err error) string {
	if errors.Is(err, ErrLockedOut) {
		return "locked_out"
	}
	return "bad_credentials"
}

// serveLogout records the sign-out and ends the session. The session ends even when the
// audit log is unavailable: a failure to record never keeps anyone signed in.
func (s *Server) serveLogout(w http.ResponseWriter, r *http.Request, u *userSession) {
	_ = s.opt.Enroll.Auditor.Record(r.Context(), enroll.Event{Time: s.opt.Now().UTC(), Actor: u.actor.ID, Role: u.actor.Role, Action: "sign-out"})
	s.auth.logout(u.token)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: !s.opt.InsecureCookies, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) serveMe(w http.ResponseWriter, r *http.Request, u *userSession) {
	writeJSON(w, http.StatusOK, s.meOf(u))
}

func (s *Server) serveProfiles(w http.ResponseWriter, r *http.Request, u *userSession) {
	writeJSON(w, http.StatusOK, s.opt.Profiles)
}

func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request, u *userSession) {
	st := map[string]any{"devices": s.opt.Devices.Status()}
	if s.opt.Queue != nil {
		st["queue"] = s.opt.Queue(r.Context())
	}
	writeJSON(w, http.StatusOK, st)
}
