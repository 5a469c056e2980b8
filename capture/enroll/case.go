package enroll

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Sentinel errors of the workflow. Errors returned wrap one of them with the detail.
var (
	ErrCase      = errors.New("enroll: invalid case")
	ErrProfile   = errors.New("enroll: invalid profile")
	ErrStep      = errors.New("enroll: not possible at this step")
	ErrRole      = errors.New("enroll: not allowed for this role")
	ErrFourEyes  = errors.New("enroll: a supervisor cannot approve their own enrollment")
	ErrDuplicate = errors.New("enroll: same finger captured twice")
	ErrRejected  = errors.New("enroll: capture rejected")
	ErrPending   = errors.New("enroll: open items remain")
	ErrClosed    = errors.New("enroll: enrollment already committed or cancelled")
	ErrAudit     = errors.New("enroll: audit write failed")
)

// Case identifies the application an enrollment belongs to.
type Case struct {
	Receipt     string    `json:"receipt"`          // digits; the first eight are YYYYMMDD
	Type        string    `json:"application_type"` // selects the Profile
	Name        string    `json:"name"`
	DateOfBirth time.Time `json:"date_of_birth"`
}

// RegistrationDate returns the date encoded in the first eight digits of the receipt.
func (c *Case) RegistrationDate() (time.Time, error) {
	return receiptDate(c.Receipt)
}

func receiptDate(r string) (time.Time, error) {
	if len(r) < 9 || len(r) > 32 {
		return time.Time{}, fmt.Errorf("%w: receipt number %q must have 9 to 32 digits", ErrCase, r)
	}
	for i, ch := range r {
		if ch < '0' || ch > '9' {
			return time.Time{}, fmt.Errorf("%w: receipt number has %q at position %d, only digits are allowed", ErrCase, ch, i+1)
		}
	}
	d, err := time.Parse("20060102", r[:8])
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: receipt number %s… does not start with a valid date YYYYMMDD", ErrCase, r[:8])
	}
	return d, nil
}

// Validate checks the case against now (registration date not in the future, date of birth
// before the registration date, a name).
func (c *Case) Validate(now time.Time) error {
	reg, err := c.RegistrationDate()
	if err != nil {
		return err
	}
	if reg.After(now) {
		return fmt.Errorf("%w: registration date %s lies in the future", ErrCase, reg.Format(time.DateOnly))
	}
	if reg.Before(now.AddDate(-5, 0, 0)) {
		return fmt.Errorf("%w: registration date %s is more than five years old", ErrCase, reg.Format(time.DateOnly))
	}
	if strings.TrimSpace(c.Type) == "" {
		return fmt.Errorf("%w: application type is empty", ErrCase)
	}
	if strings.TrimSpace(c.Name) == "" || len(c.Name) > 200 {
		return fmt.Errorf("%w: applicant name must be 1 to 200 characters", ErrCase)
	}
	for _, ch := range c.Name {
		if unicode.IsControl(ch) {
			return fmt.Errorf("%w: applicant name contains a control character", ErrCase)
		}
	}
	if c.DateOfBirth.IsZero() || !c.DateOfBirth.Before(reg.AddDate(0, 0, 1)) || c.DateOfBirth.Before(reg.AddDate(-130, 0, 0)) {
		return fmt.Errorf("%w: date of birth must lie within 130 years before the registration date", ErrCase)
	}
	return nil
}

// Profile says what a case type needs.
type Profile struct {
	Name      string `json:"name" yaml:"name"`           // the application type it applies to
	Fingers   []int  `json:"fingers" yaml:"fingers"`     // ISO finger positions 1–10, in capture order
	Face      bool   `json:"face" yaml:"face"`           // a face photograph
	Signature bool   `json:"signature" yaml:"signature"` // a signature from the pad
}

// Validate checks finger positions and that the profile asks for something.
func (p *Profile) Validate() error {
	if p.Name == "" {
		return fmt.Errorf("%w: profile has no name", ErrProfile)
	}
	seen := map[int]bool{}
	for _, f := range p.Fingers {
		if f < 1 || f > 10 {
			return fmt.Errorf("%w: profile %s: finger position %d outside 1–10", ErrProfile, p.Name, f)
		}
		if seen[f] {
			return fmt.Errorf("%w: profile %s: finger position %d listed twice", ErrProfile, p.Name, f)
		}
		seen[f] = true
	}
	if len(p.Fingers) == 0 && !p.Face && !p.Signature {
		return fmt.Errorf("%w: profile %s asks for nothing", ErrProfile, p.Name)
	}
	return nil
}

// FingerName names an ISO finger position for screens and records.
func FingerName(pos int) string {
	names := [...]string{"unknown finger", "right thumb", "right index", "right middle", "right ring", "right little",
		"left thumb", "left index", "left middle", "left ring", "left little"}
	if pos < 0 || pos >= len(names) {
		return fmt.Sprintf("finger %d", pos)
	}
	return names[pos]
}

// DefaultProfiles returns the two usual profiles: ten single flat fingers at a police
// counter, the two index fingers at a visa desk; both with face and signature.
func DefaultProfiles() []Profile {
	return []Profile{
		{Name: "police", Fingers: []int{2, 3, 4, 5, 7, 8, 9, 10, 1, 6}, Face: true, Signature: true},
		{Name: "visa", Fingers: []int{2, 7}, Face: true, Signature: true},
	}
}
