package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers"
	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

// startCentre runs a reference centre on loopback and makes station credentials.
func startCentre(t *testing.T) (addr, stationDir string, srv *central.Server) {
	t.Helper()
	root := t.TempDir()
	centreDir, stationDir := filepath.Join(root, "centre"), filepath.Join(root, "station")
	if err := pki.InitCentre(centreDir, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pki.InitStation(stationDir, "st-daemon", centreDir, outbox.CreateKeyFile); err != nil {
		t.Fatal(err)
	}
	c, err := pki.LoadCentre(centreDir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err = central.New(central.Options{Dir: filepath.Join(centreDir, "store"), Identity: c.Identity, SigningKey: c.SigningKey})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler(), TLSConfig: pki.ServerTLS(c.TLS, c.CA.Cert), ErrorLog: log.New(io.Discard, "", 0)}
	go hs.Serve(tls.NewListener(ln, hs.TLSConfig))
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return ln.Addr().String(), stationDir, srv
}

func TestSyncThroughDaemon(t *testing.T) {
	addr, stationDir, centre := startCentre(t)
	token := filepath.Join(t.TempDir(), "token")
	_ = os.WriteFile(token, []byte("0123456789abcdef0123\n"), 0o600)
	cfg := "station: {id: st-daemon}\nsync:\n  credentials: " + stationDir + "\n  centre_url: https://" + addr +
		"\n  ingest_token_file: " + token + "\n"
	td := startTestDaemon(t, cfg, &drivers.Registry{}, nil)
	td.waitReady(t)

	body, _ := json.Marshal(enrollRequest{OperatorID: "op-7", CaptureTimes: []time.Time{time.Now()},
		Parts: []enrollPart{{ContentType: "application/octet-stream", Data: []byte("an ANSI/NIST transaction")}}})
	post := func(auth string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, td.url+"/api/v1/enrollments", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := post("Bearer wrong-token-wrong-token"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token answered %d", resp.StatusCode)
	}
	resp := post("Bearer 0123456789abcdef0123")
	var created map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&created)
	if resp.StatusCode != http.StatusCreated || created["id"] == "" {
		t.Fatalf("enroll: %d %v", resp.StatusCode, created)
	}
	waitFor(t, func() bool { return centre.StoredCount(created["id"]) == 1 })
	waitFor(t, func() bool {
		var st stsync.SyncStatus
		decodeJSON(t, td, "/api/v1/sync", &st)
		return st.Queue["acknowledged"] == 1 || st.Queue["purged"] == 1
	})
	_, metrics := td.get(t, "/metrics")
	if !strings.Contains(metrics, "enrolld_") || !strings.Contains(metrics, "queue") {
		t.Errorf("no queue metrics on /metrics")
	}
}
