package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/capture/audit"
)

func TestRunAuditVerify(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit", "audit.log")
	os.MkdirAll(filepath.Dir(path), 0o700)
	l, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"start", "face-accepted", "finger-accepted", "committed"} {
		if err := l.Append(&audit.Entry{Actor: "olga", Role: "officer", Action: a, Case: "202611200001"}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	var out, errb bytes.Buffer
	if err := runAudit(context.Background(), []string{"verify", "--storage.path", dir}, &out, &errb); err != nil {
		t.Fatalf("intact log: %v", err)
	}
	if !strings.Contains(out.String(), "4 entries, chain intact") {
		t.Errorf("output %q", out.String())
	}
	b, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(b, []byte(`"face-accepted"`), []byte(`"face-rejected"`), 1), 0o600)
	err = runAudit(context.Background(), []string{"verify", "--file", path}, &out, &errb)
	if !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), "seq 2") {
		t.Fatalf("changed entry: %v", err)
	}
	if err := runAudit(context.Background(), []string{"check"}, &out, &errb); !errors.Is(err, errUsage) {
		t.Fatalf("bad sub-command: %v", err)
	}
}
