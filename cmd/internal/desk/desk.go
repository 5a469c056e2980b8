// Package desk is the enrollment desk: the web application the officers and supervisors
// use (embedded HTML, CSS and JavaScript, nothing fetched from the internet) and the
// operator API behind it, versioned under /api/v1/desk/ and described in openapi.yaml.
//
// Officers and supervisors sign in with the accounts of the configuration (bcrypt hashes;
// lock-out after repeated failures; sessions end after an idle timeout). The session cookie
// is HttpOnly, Secure and SameSite=Strict, and every state-changing request carries the
// session's CSRF token in the X-CSRF-Token header. The workflow itself is capture/enroll's
// state machine; this package captures from the devices, hands the results to it and
// shows the outcome, one screen per step. The camera's live view reaches the page over
// WebRTC as JPEG frames on a DataChannel (preview.go).
//
// Every action is audited (who, role, action, case, when, justification; never biometric
// data) in the station's hash-chained audit log, which the outbox keeps in its Badger store
// (StationAuditor): sign-ins, the workflow's actions before their effect, the commit's
// "committed" entry in the packet's own transaction (StationOutbox). Failed sign-ins and
// sign-outs are recorded too, but never block: a sign-out always ends the session.
// Supervisors export the chain at GET /api/v1/desk/audit for `enrollctl audit verify`.
//
// Wiring (cmd/enrolld): Open builds everything from the configuration section (Config)
// and what the daemon has opened already:
//
//	d, passwords, err := desk.Open(cfg.Desk, desk.Deps{Devices: desk.ManagerDevices(mgr),
//		Station: station, Gallery: gal, Registerer: reg, Logger: log})
//	mux.Handle("/desk/", d)        // the page and its assets
//	mux.Handle("/api/v1/desk/", d) // the operator API
package desk

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	stdsync "sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/enroll"
)

//go:embed web openapi.yaml
var assets embed.FS

// Devices gives the desk the station's capture devices; a method returns nil when the
// station has no such device (or it is not loaded right now).
type Devices interface {
	Camera() capture.Camera
	Scanner() capture.FingerScanner
	Pad() capture.SignaturePad
	Status() any // device list for the status panel (JSON)
}

// Options configure the desk. Accounts, Profiles, Devices and Enroll are required.
type Options struct {
	Accounts      []Account
	MinBcryptCost int // default 10
	Profiles      []enroll.Profile
	Devices       Devices
	Enroll        enroll.Options
	// Queue, if set, returns the outbox and link state for the status panel (JSON).
	Queue func(ctx context.Context) any
	// AuditExport, if set, writes the audit chain in the export format of capture/audit, for
	// GET /api/v1/desk/audit (supervisors; `enrollctl audit verify --daemon.url` reads it).
	AuditExport func(w io.Writer) error
	// Refused, if set, says why the station refuses new enrollments right now (offline
	// limits, low disk); "" accepts. A refused station starts no enrollment, so nobody is
	// captured for a packet that could not be stored.
	Refused func() string

	IdleTimeout    time.Duration // sign-out after this long without a request, default 15 min
	MaxFailures    int           // failed sign-ins in a row before a lock-out, default 5
	LockOut        time.Duration // default 15 min
	CaptureTimeout time.Duration // per device capture, default 60 s
	// EnrollmentTTL cancels an open enrollment nobody has touched for this long, dropping
	// its biometric data from memory; default 2 h.
	EnrollmentTTL time.Duration
	SignatureIdle time.Duration // pen-up time that ends a signature, default 2 s
	// InsecureCookies drops the Secure attribute, for plain HTTP on a non-loopback address
	// in a lab. Browsers accept Secure cookies from http://localhost.
	InsecureCookies bool

	Registerer prometheus.Registerer
	Logger     *slog.Logger
	Now        func() time.Time
}

// Server is the desk's HTTP handler.
type Server struct {
	opt      Options
	auth     *auth
	mux      *http.ServeMux
	metrics  *metrics
	log      *slog.Logger
	profiles map[string]enroll.Profile

	mu       stdsync.Mutex
	sessions map[string]*enroll.Session
	started  map[string]map[enroll.Step]time.Time
	lives    map[string]*live
	hub      *hub
	touched  map[string]time.Time // last action on each open enrollment
}

// New checks the options and builds the handler.
func New(opt Options) (*Server, error) {
	if opt.Devices == nil {
		return nil, errors.New("desk: Devices is required")
	}
	if len(opt.Accounts) == 0 {
		return nil, fmt.Errorf("%w: no accounts: add officers and supervisors to the configuration", ErrAccounts)
	}
	if err := CheckAccounts(opt.Accounts, opt.MinBcryptCost); err != nil {
		return nil, err
	}
	if len(opt.Profiles) == 0 {
		return nil, errors.New("desk: no enrollment profiles")
	}
	s := &Server{opt: opt, profiles: map[string]enroll.Profile{}, sessions: map[string]*enroll.Session{},
		started: map[string]map[enroll.Step]time.Time{}, touched: map[string]time.Time{}}
	for _, p := range opt.Profiles {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		s.profiles[p.Name] = p
	}
	s.setDefaults()
	s.auth = newAuth(opt.Accounts, s.opt.IdleTimeout, s.opt.MaxFailures, s.opt.LockOut, s.opt.Now)
	s.metrics = newMetrics()
	if opt.Registerer != nil {
		if err := opt.Registerer.Register(s.metrics); err != nil {
			return nil, fmt.Errorf("desk: metrics: %w", err)
		}
	}
	s.routes()
	return s, nil
}

func (s *Server) setDefaults() {
	o := &s.opt
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 15 * time.Minute
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = 5
	}
	if o.LockOut <= 0 {
		o.LockOut = 15 * time.Minute
	}
	if o.CaptureTimeout <= 0 {
		o.CaptureTimeout = 60 * time.Second
	}
	if o.EnrollmentTTL <= 0 {
		o.EnrollmentTTL = 2 * time.Hour
	}
	if o.SignatureIdle <= 0 {
		o.SignatureIdle = 2 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Enroll.Now == nil {
		o.Enroll.Now = o.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s.log = o.Logger
}

// ServeHTTP serves the desk.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	web, _ := fs.Sub(assets, "web")
	m.Handle("GET /desk/", http.StripPrefix("/desk/", http.FileServerFS(web)))
	m.HandleFunc("GET /api/v1/desk/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		b, _ := assets.ReadFile("openapi.yaml")
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(b)
	})
	m.HandleFunc("POST /api/v1/desk/login", s.serveLogin)
	for _, rt := range s.apiRoutes() {
		m.Handle(rt.pattern, s.guard(rt))
	}
	s.mux = m
}

// route is one authenticated API route and who may use it.
type route struct {
	pattern    string
	supervisor bool // supervisors only
	h          func(w http.ResponseWriter, r *http.Request, u *userSession)
}

// Routes lists the authenticated routes (for documentation and the role tests).
func (s *Server) apiRoutes() []route {
	p := "/api/v1/desk/"
	e := p + "enrollments/{id}/"
	return []route{
		{"POST " + p + "logout", false, s.serveLogout},
		{"GET " + p + "me", false, s.serveMe},
		{"GET " + p + "profiles", false, s.serveProfiles},
		{"GET " + p + "status", false, s.serveStatus},
		{"POST " + p + "preview", false, s.servePreview},
		{"POST " + p + "enrollments", false, s.serveStart},
		{"GET " + p + "enrollments", false, s.serveList},
		{"GET " + p + "enrollments/{id}", false, s.serveSummary},
		{"POST " + e + "face", false, s.serveFace},
		{"GET " + e + "face.jpg", false, s.serveFaceJPEG},
		{"POST " + e + "finger", false, s.serveFinger},
		{"POST " + e + "finger/missing", false, s.serveMissing},
		{"GET " + e + "fingers/{pos}", false, s.serveFingerImage},
		{"POST " + e + "signature", false, s.serveSignature},
		{"POST " + e + "signature/unable", false, s.serveUnable},
		{"GET " + e + "signature.png", false, s.serveSignatureImage},
		{"GET " + e + "signature/live", false, s.serveSignatureLive},
		{"POST " + e + "search", false, s.serveSearch},
		{"POST " + e + "decision", false, s.serveDecision},
		{"POST " + e + "redo", false, s.serveRedo},
		{"POST " + e + "cancel", false, s.serveCancel},
		{"POST " + e + "commit", false, s.serveCommit},
		{"POST " + e + "exceptions/{n}/approve", true, s.serveApprove},
		{"GET " + p + "audit", true, s.serveAudit},
	}
}

// guard checks the session, the role and, for state-changing methods, the CSRF token.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName)
		var u *userSession
		if err == nil {
			u = s.auth.session(c.Value)
		}
		switch {
		case u == nil:
			writeError(w, http.StatusUnauthorized, "not signed in, or signed out after inactivity")
		case r.Method != http.MethodGet && !csrfOK(r, u):
			writeError(w, http.StatusForbidden, "missing or wrong CSRF token")
		case rt.supervisor && u.actor.Role != enroll.RoleSupervisor:
			writeError(w, http.StatusForbidden, "this needs a supervisor")
		default:
			rt.h(w, r, u)
		}
	})
}
