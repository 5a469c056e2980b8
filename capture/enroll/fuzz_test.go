package enroll

import (
	"errors"
	"testing"
	"time"
)

// FuzzCaseValidate feeds arbitrary case fields (as typed at the desk or sent to the API):
// Validate never panics, and an accepted receipt starts with a real date.
func FuzzCaseValidate(f *testing.F) {
	f.Add("202611200001", "visa", "Ana Müller", int64(642902400))
	f.Add("20240230123", "police", "X", int64(0))
	f.Add("", "", "", int64(-1))
	f.Fuzz(func(t *testing.T, receipt, typ, name string, dob int64) {
		c := Case{Receipt: receipt, Type: typ, Name: name, DateOfBirth: time.Unix(dob, 0).UTC()}
		err := c.Validate(today)
		if err != nil && !errors.Is(err, ErrCase) {
			t.Fatalf("error %v does not wrap ErrCase", err)
		}
		if err == nil {
			if _, perr := time.Parse("20060102", receipt[:8]); perr != nil {
				t.Fatalf("accepted receipt %q without a date", receipt)
			}
		}
	})
}
