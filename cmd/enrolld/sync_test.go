package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers"
	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/synctest"
)

// startCentre runs a reference centre on loopback and makes station credentials.
func startCentre(t *testing.T) (addr, stationDir string, srv *central.Server) {
	t.Helper()
	env := synctest.New(t, nil)
	return env.Addr, env.StationDir, env.Centre
}

func TestSyncThroughDaemon(t *testing.T) {
	addr, stationDir, centre := startCentre(t)
	token := filepath.Join(t.TempDir(), "token")
	_ = os.WriteFile(token, []byte("0123456789abcdef0123\n"), 0o600)
	cfg := "station: {id: st-1}\nsync:\n  credentials: " + stationDir + "\n  centre_url: https://" + addr +
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
