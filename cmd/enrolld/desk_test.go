package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

// TestDeskAuditInOutbox runs the daemon with a desk: sign-ins and sign-outs land in the audit
// chain of the outbox's store, which verifies once the daemon has stopped, opened read-only
// as `enrollctl audit verify --storage.path` does.
func TestDeskAuditInOutbox(t *testing.T) {
	addr, stationDir, _ := startCentre(t)
	cfg := "station: {id: st-1}\nsync:\n  credentials: " + stationDir + "\n  centre_url: https://" + addr +
		"\ndesk: {ori: ST-1, demo_accounts: true}\n"
	var terminal syncBuffer
	td := startTestDaemonWith(t, cfg, daemonOptions{registry: &drivers.Registry{}, announce: &terminal}, nil)
	td.waitReady(t)
	m := regexp.MustCompile(`demo-supervisor\s+(\S+)`).FindStringSubmatch(terminal.String())
	if m == nil {
		t.Fatalf("no demo password on the terminal: %q", terminal.String())
	}
	for _, pw := range []string{"wrong", m[1]} {
		body, _ := json.Marshal(map[string]string{"user": "demo-supervisor", "password": pw})
		resp, err := http.Post(td.url+"/api/v1/desk/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: 401, false: 200}[pw == "wrong"]; resp.StatusCode != want {
			t.Fatalf("sign-in with %q: %d", pw, resp.StatusCode)
		}
	}
	dataDir := td.d.sync.dataDir
	if err := td.stop(t); err != nil {
		t.Fatal(err)
	}
	key, err := outbox.LoadKeyFile(filepath.Join(stationDir, pki.StationOutboxKey))
	if err != nil {
		t.Fatal(err)
	}
	s, err := outbox.OpenReadOnly(outbox.Options{Dir: dataDir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var actions []string
	err = s.WalkAudit(func(audit.Head) error { return nil }, func(e *audit.Entry) error {
		actions = append(actions, e.Action+" "+e.Actor)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if head, n, err := s.VerifyAudit(); err != nil || n != 2 || head.Seq != 2 {
		t.Fatalf("chain after the stop: %v %d %v (%q)", head, n, err, actions)
	}
	if actions[0] != "sign-in-failed demo-supervisor" || actions[1] != "sign-in demo-supervisor" {
		t.Fatalf("audited %q", actions)
	}
}
