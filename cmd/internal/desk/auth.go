package desk

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	stdsync "sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/enrolld/enrolld/capture/enroll"
)

// Account is a desk user from the configuration. There are no default accounts and no
// default passwords: a station without accounts cannot be signed in to.
type Account struct {
	ID           string      `yaml:"id" json:"id"`
	Name         string      `yaml:"name" json:"name"`
	Role         enroll.Role `yaml:"role" json:"role"`
	PasswordHash string      `yaml:"password_hash" json:"-"` // bcrypt ($2a$/$2b$/$2y$)
}

// Sentinel errors of sign-in.
var (
	ErrBadCredentials = errors.New("desk: wrong user name or password")
	ErrLockedOut      = errors.New("desk: account locked after repeated failures")
	ErrAccounts       = errors.New("desk: invalid account configuration")
)

// CheckAccounts validates the configured accounts: unique ids, a known role, a bcrypt hash
// of at least minCost (10 when 0).
func CheckAccounts(accts []Account, minCost int) error {
	if minCost == 0 {
		minCost = 10
	}
	seen := map[string]bool{}
	for i, a := range accts {
		if a.ID == "" || seen[a.ID] {
			return fmt.Errorf("%w: account %d: id empty or repeated", ErrAccounts, i+1)
		}
		seen[a.ID] = true
		if a.Role != enroll.RoleOfficer && a.Role != enroll.RoleSupervisor {
			return fmt.Errorf("%w: account %s: role %q is neither officer nor supervisor", ErrAccounts, a.ID, a.Role)
		}
		cost, err := bcrypt.Cost([]byte(a.PasswordHash))
		if err != nil {
			return fmt.Errorf("%w: account %s: password_hash is not a bcrypt hash (make one with: htpasswd -nbBC 12 '' PASSWORD)", ErrAccounts, a.ID)
		}
		if cost < minCost {
			return fmt.Errorf("%w: account %s: bcrypt cost %d is below %d", ErrAccounts, a.ID, cost, minCost)
		}
	}
	return nil
}

// userSession is one signed-in browser.
type userSession struct {
	token    string
	csrf     string
	actor    enroll.Actor
	name     string
	lastSeen time.Time
}

type failures struct {
	count int
	until time.Time // locked until
}

// auth holds accounts, sessions and lock-outs.
type auth struct {
	mu          stdsync.Mutex
	accounts    map[string]Account
	sessions    map[string]*userSession
	failed      map[string]*failures
	idle        time.Duration
	maxFailures int
	lockFor     time.Duration
	now         func() time.Time
	dummyHash   []byte
}

func newAuth(accts []Account, idle time.Duration, maxFailures int, lockFor time.Duration, now func() time.Time) *auth {
	a := &auth{accounts: map[string]Account{}, sessions: map[string]*userSession{}, failed: map[string]*failures{},
		idle: idle, maxFailures: maxFailures, lockFor: lockFor, now: now}
	for _, acct := range accts {
		a.accounts[acct.ID] = acct
	}
	a.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("timing equaliser"), bcrypt.MinCost)
	return a
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// login checks a password; after maxFailures failures in a row the account is locked for
// lockFor (also for the right password).
func (a *auth) login(user, password string) (*userSession, error) {
	a.mu.Lock()
	acct, known := a.accounts[user]
	f := a.failed[user]
	now := a.now()
	if f != nil && now.Before(f.until) {
		a.mu.Unlock()
		return nil, fmt.Errorf("%w until %s", ErrLockedOut, f.until.UTC().Format("15:04:05 UTC"))
	}
	a.mu.Unlock()
	hash := a.dummyHash
	if known {
		hash = []byte(acct.PasswordHash)
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password)) // slow: outside the lock
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil || !known {
		if f == nil {
			f = &failures{}
			a.failed[user] = f
		}
		f.count++
		if f.count >= a.maxFailures {
			f.count, f.until = 0, now.Add(a.lockFor)
			return nil, fmt.Errorf("%w until %s", ErrLockedOut, f.until.UTC().Format("15:04:05 UTC"))
		}
		return nil, ErrBadCredentials
	}
	delete(a.failed, user)
	s := &userSession{token: randomToken(), csrf: randomToken(), actor: enroll.Actor{ID: acct.ID, Role: acct.Role},
		name: acct.Name, lastSeen: now}
	a.sessions[s.token] = s
	return s, nil
}

// session returns the live session of token, refreshing its idle timer.
func (a *auth) session(token string) *userSession {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[token]
	if s == nil {
		return nil
	}
	now := a.now()
	if now.Sub(s.lastSeen) > a.idle {
		delete(a.sessions, token)
		return nil
	}
	s.lastSeen = now
	return s
}

func (a *auth) logout(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, token)
}

const cookieName = "enrolld_desk"

// csrfOK compares the request's X-CSRF-Token header with the session's token, and when the
// browser sends an Origin, requires it to be this host.
func csrfOK(r *http.Request, s *userSession) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}
