package desk

import (
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture/enroll"
)

// Config is the desk section of the daemon's configuration file (decoded by cmd/enrolld):
//
//	desk:
//	  ori: "POLICE-HQ-01"           # originating agency of the ANSI/NIST transactions
//	  accounts:
//	    - {id: olga, name: Olga Berg, role: officer, password_hash: "$2y$12$…"}
//	    - {id: sam, name: Sam Ode, role: supervisor, password_hash: "$2y$12$…"}
//	  profiles:                    # default: police (ten fingers) and visa (two index fingers)
//	    - {name: visa, fingers: [2, 7], face: true, signature: true}
//	  idle_timeout: 15m
//	  max_failures: 5
//	  lock_out: 15m
//	  min_finger_quality: 35       # 0–100 (extract.Quality.Score); default 35
//	  demo_accounts: false         # true (demo only): random passwords, printed at start
type Config struct {
	ORI              string           `yaml:"ori"`
	Accounts         []Account        `yaml:"accounts"`
	Profiles         []enroll.Profile `yaml:"profiles"`
	IdleTimeout      time.Duration    `yaml:"idle_timeout"`
	MaxFailures      int              `yaml:"max_failures"`
	LockOut          time.Duration    `yaml:"lock_out"`
	MinFingerQuality int              `yaml:"min_finger_quality"`
	InsecureCookies  bool             `yaml:"insecure_cookies"`
	DemoAccounts     bool             `yaml:"demo_accounts"`
}

// Validate checks the section, returning every problem found.
func (c *Config) Validate() error {
	var errs []error
	if c.ORI == "" {
		errs = append(errs, errors.New("desk.ori: the originating agency identifier is required"))
	}
	if len(c.Accounts) == 0 && !c.DemoAccounts {
		errs = append(errs, errors.New("desk.accounts: at least one officer and one supervisor are needed (there are no default accounts)"))
	}
	if err := CheckAccounts(c.Accounts, 0); err != nil {
		errs = append(errs, fmt.Errorf("desk.accounts: %w", err))
	}
	for i := range c.Profiles {
		if err := c.Profiles[i].Validate(); err != nil {
			errs = append(errs, fmt.Errorf("desk.profiles[%d]: %w", i, err))
		}
	}
	if c.IdleTimeout < 0 || c.LockOut < 0 || c.MaxFailures < 0 {
		errs = append(errs, errors.New("desk: idle_timeout, lock_out and max_failures must not be negative"))
	}
	if c.MinFingerQuality < 0 || c.MinFingerQuality > 100 {
		errs = append(errs, errors.New("desk.min_finger_quality: must be within 0–100"))
	}
	return errors.Join(errs...)
}

// Apply copies the section into o (accounts, profiles, timeouts, the finger quality gate
// and the ANSI/NIST builder's ORI); Profiles default to enroll.DefaultProfiles.
func (c *Config) Apply(o *Options) {
	o.Accounts = append(o.Accounts, c.Accounts...)
	o.Profiles = c.Profiles
	if len(o.Profiles) == 0 {
		o.Profiles = enroll.DefaultProfiles()
	}
	o.IdleTimeout, o.MaxFailures, o.LockOut, o.InsecureCookies = c.IdleTimeout, c.MaxFailures, c.LockOut, c.InsecureCookies
	o.Enroll.MinQuality = c.MinFingerQuality
	o.Enroll.Builder = &enroll.NISTBuilder{ORI: c.ORI}
}
