package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/enrolld/enrolld/sync/pki"
)

type syncBuf struct {
	mu stdsync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestInitIssueServe(t *testing.T) {
	dir := t.TempDir()
	centre := filepath.Join(dir, "centre")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"init", "--dir", centre}, &out, &out); err != nil {
		t.Fatal(err)
	}
	_, key, _ := pkiKey()
	csr, _ := pki.CSR("desk-9", key)
	os.WriteFile(filepath.Join(dir, "st.csr"), csr, 0o644)
	if err := run(context.Background(), []string{"issue", "--dir", centre, "--csr", filepath.Join(dir, "st.csr"), "--out", filepath.Join(dir, "st.crt")}, &out, &out); err != nil {
		t.Fatal(err)
	}
	cb, _ := os.ReadFile(filepath.Join(dir, "st.crt"))
	if c, err := pki.ParseCert(cb); err != nil || c.Subject.CommonName != "desk-9" {
		t.Fatalf("issued cert: %v", err)
	}
	if err := run(context.Background(), []string{"serve"}, &out, &out); !errors.Is(err, errUsage) {
		t.Fatalf("serve without --dir: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var sout syncBuf
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--dir", centre, "--web.listen-address", "127.0.0.1:0",
			"--admin.listen-address", "127.0.0.1:0", "--slice.synthetic", "25", "--log.level", "error"}, &sout, io.Discard)
	}()
	re := regexp.MustCompile(`admin view at (http://\S+)`)
	var adminURL string
	for i := 0; i < 200 && adminURL == ""; i++ {
		if m := re.FindStringSubmatch(sout.String()); m != nil {
			adminURL = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(adminURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "25 persons") {
		t.Fatalf("admin page:\n%s", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func pkiKey() (any, ed25519.PrivateKey, error) {
	pub, key, err := ed25519.GenerateKey(nil)
	return pub, key, err
}
