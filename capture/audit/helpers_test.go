package audit

import (
	"strings"
	"testing"
	"time"
)

// chain builds a chain of n entries.
func chain(n int) []Entry {
	var out []Entry
	var head Head
	for i := 0; i < n; i++ {
		e := Entry{Time: time.Date(2026, 11, 22, 9, 0, i, 0, time.UTC), Actor: "olga", Role: "officer",
			Action: "finger-accepted", Case: "202611200001", Detail: "right index attempt 1 quality 61"}
		e.Seal(head)
		head = e.Head()
		out = append(out, e)
	}
	return out
}

func export(t *testing.T, head Head, es []Entry) string {
	t.Helper()
	var b strings.Builder
	x := NewExportWriter(&b, head)
	for i := range es {
		if err := x.Write(&es[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
