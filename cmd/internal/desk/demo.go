package desk

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/enrolld/enrolld/capture/enroll"
)

// DemoAccounts makes the accounts of a demo station: an officer "demo-officer" and a
// supervisor "demo-supervisor", each with a fresh random password, returned in plain text
// so the demo can print them once. There are no fixed demo passwords.
func DemoAccounts() (accts []Account, passwords map[string]string, err error) {
	passwords = map[string]string{}
	for _, a := range []Account{
		{ID: "demo-officer", Name: "Demo Officer", Role: enroll.RoleOfficer},
		{ID: "demo-supervisor", Name: "Demo Supervisor", Role: enroll.RoleSupervisor},
	} {
		var b [10]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, nil, err
		}
		pw := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
		h, err := bcrypt.GenerateFromPassword([]byte(pw), 10)
		if err != nil {
			return nil, nil, fmt.Errorf("desk: demo account: %w", err)
		}
		a.PasswordHash = string(h)
		accts = append(accts, a)
		passwords[a.ID] = pw
	}
	return accts, passwords, nil
}
