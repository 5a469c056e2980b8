package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/cmd/internal/desk"
	"github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

// auditStation makes a credentials directory with an outbox key and opens a station whose
// outbox lives where the daemon keeps it (STORAGE/outbox).
func auditStation(t *testing.T) (st *sync.Station, storage, creds string) {
	t.Helper()
	storage, creds = t.TempDir(), t.TempDir()
	var k [32]byte
	rand.Read(k[:])
	if err := os.WriteFile(filepath.Join(creds, pki.StationOutboxKey), []byte(hex.EncodeToString(k[:])+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, sk, _ := ed25519.GenerateKey(rand.Reader)
	id, _ := age.GenerateX25519Identity()
	st, err := sync.Open(sync.Options{StationID: "ST01", SigningKey: sk, Recipient: id.Recipient(),
		Outbox: outbox.Options{Dir: filepath.Join(storage, "outbox"), Key: k, BallastSize: -1, ReserveFree: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return st, storage, creds
}

func TestRunAuditVerifyOffline(t *testing.T) {
	ctx := context.Background()
	st, storage, creds := auditStation(t)
	var sealed []audit.Entry
	for _, a := range []string{"sign-in", "start", "face-accepted", "finger-accepted"} {
		es, err := st.Store().AppendAudit(audit.Entry{Time: time.Now(), Actor: "olga", Role: "officer", Action: a, Case: "202611200001"})
		if err != nil {
			t.Fatal(err)
		}
		sealed = append(sealed, es...)
	}
	export := filepath.Join(t.TempDir(), "audit.jsonl")
	f, _ := os.Create(export)
	if err := st.Store().ExportAudit(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var out, errb bytes.Buffer
	if err := runAudit(ctx, []string{"verify", "--storage.path", storage, "--credentials", creds}, &out, &errb); err == nil {
		t.Fatal("verified a store the daemon still holds")
	}
	st.Close(ctx)

	anchor := func(e audit.Entry) string { return strconv.FormatUint(e.Seq, 10) + ":" + e.Hash }
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"offline", []string{"--storage.path", storage, "--credentials", creds}, ""},
		{"offline with anchors", []string{"--storage.path", storage, "--credentials", creds, "--anchor", anchor(sealed[1]), "--anchor", anchor(sealed[3])}, ""},
		{"export file", []string{"--file", export, "--anchor", anchor(sealed[2])}, ""},
		{"anchor of another chain", []string{"--file", export, "--anchor", "2:" + strings.Repeat("ab", 32)}, "rewritten"},
		{"anchor beyond the end", []string{"--storage.path", storage, "--credentials", creds, "--anchor", "9:" + strings.Repeat("ab", 32)}, "does not reach"},
	} {
		out.Reset()
		err := runAudit(ctx, append([]string{"verify"}, tc.args...), &out, &errb)
		if tc.want == "" {
			if err != nil || !strings.Contains(out.String(), "4 entries, chain intact, head 4 "+sealed[3].Hash) {
				t.Errorf("%s: %v %q", tc.name, err, out.String())
			}
			continue
		}
		if !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want tampering mentioning %q", tc.name, err, tc.want)
		}
	}

	b, _ := os.ReadFile(export)
	os.WriteFile(export, bytes.Replace(b, []byte(`"face-accepted"`), []byte(`"face-rejected"`), 1), 0o600)
	err := runAudit(ctx, []string{"verify", "--file", export}, &out, &errb)
	if !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), "seq 3") {
		t.Fatalf("changed entry in an export: %v", err)
	}
	for _, args := range [][]string{{"check"}, {"verify"}, {"verify", "--storage.path", storage}, {"verify", "--daemon.url", "http://x"}, {"verify", "--file", export, "--anchor", "x"}} {
		if err := runAudit(ctx, args, &out, &errb); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

type noDevices struct{}

func (noDevices) Camera() capture.Camera         { return nil }
func (noDevices) Scanner() capture.FingerScanner { return nil }
func (noDevices) Pad() capture.SignaturePad      { return nil }
func (noDevices) Status() any                    { return nil }

// TestRunAuditVerifyDaemon reads the chain through the desk's supervisor export.
func TestRunAuditVerifyDaemon(t *testing.T) {
	ctx := context.Background()
	st, _, _ := auditStation(t)
	defer st.Close(ctx)
	d, pws, err := desk.Open(desk.Config{ORI: "ST01", DemoAccounts: true}, desk.Deps{Devices: noDevices{}, Station: st})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(d)
	defer ts.Close()
	var out, errb bytes.Buffer
	t.Setenv("ENROLLCTL_PASSWORD", pws["demo-officer"])
	if err := runAudit(ctx, []string{"verify", "--daemon.url", ts.URL, "--user", "demo-officer"}, &out, &errb); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("an officer read the audit chain: %v", err)
	}
	t.Setenv("ENROLLCTL_PASSWORD", pws["demo-supervisor"])
	if err := runAudit(ctx, []string{"verify", "--daemon.url", ts.URL, "--user", "demo-supervisor"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	// officer sign-in, sign-out; supervisor sign-in, the export itself (the sign-out follows it).
	if !strings.Contains(out.String(), "4 entries, chain intact") {
		t.Fatalf("output %q", out.String())
	}
	if h, n, err := st.Store().VerifyAudit(); err != nil || n != 5 || h.Seq != 5 {
		t.Fatalf("after the export and sign-out: %v %d %v", h, n, err)
	}
}
