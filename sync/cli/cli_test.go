package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/pki"
	"github.com/enrolld/enrolld/sync/synctest"
)

func TestQueueCommands(t *testing.T) {
	env := synctest.New(t, nil)
	opt := env.StationOptions(t, t.TempDir(), "")
	opt.CentreURL = ""
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	id, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: []packet.Part{{ContentType: "x", Data: []byte("y")}}})
	if err != nil {
		t.Fatal(err)
	}
	st.Store().MarkConflict(id, errors.New("test alarm"))
	srv := httptest.NewServer(st.APIHandler())
	defer srv.Close()
	run := func(args ...string) string {
		var out, errb bytes.Buffer
		if err := RunQueue(context.Background(), append([]string{"--daemon.url", srv.URL}, args...), &out, &errb); err != nil {
			t.Fatalf("queue %v: %v (%s)", args, err, errb.String())
		}
		return out.String()
	}
	if out := run("list"); !strings.Contains(out, id) || !strings.Contains(out, "conflict") {
		t.Fatalf("list:\n%s", out)
	}
	var it stsync.QueueItem
	json.Unmarshal([]byte(run("--json", "retry", id)), &it)
	if it.State != string(outbox.Queued) {
		t.Fatalf("after retry: %+v", it)
	}
	if out := run("show", id); !strings.Contains(out, `"state": "queued"`) {
		t.Fatalf("show:\n%s", out)
	}
	if out := run("status"); !strings.Contains(out, "accepting") {
		t.Fatalf("status:\n%s", out)
	}
	var out bytes.Buffer
	if err := RunQueue(context.Background(), []string{"--daemon.url", srv.URL, "show", "nope"}, &out, &out); err == nil || !strings.Contains(err.Error(), "no such packet") {
		t.Fatalf("show unknown: %v", err)
	}
}

func TestKeysInit(t *testing.T) {
	dir := t.TempDir()
	centre := filepath.Join(dir, "centre")
	if err := pki.InitCentre(centre, []string{"localhost"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	st := filepath.Join(dir, "st")
	if err := RunKeys(context.Background(), []string{"init", "--dir", st, "--station-id", "desk-7", "--centre-dir", centre}, &out, &out); err != nil {
		t.Fatal(err)
	}
	s, err := pki.LoadStation(st)
	if err != nil || s.ID != "desk-7" {
		t.Fatalf("load: %v %+v", err, s)
	}
	if fi, _ := os.Stat(filepath.Join(st, pki.StationKey)); fi.Mode().Perm() != 0o600 {
		t.Fatalf("station key mode %v", fi.Mode())
	}
	if _, err := outbox.LoadKeyFile(s.OutboxKeyFile); err != nil {
		t.Fatal(err)
	}
	if err := RunKeys(context.Background(), []string{"init", "--dir", st, "--station-id", "desk-7"}, &out, &out); err == nil {
		t.Fatal("keys init overwrote existing keys")
	}
}
