package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/cmd/internal/api"
	"github.com/enrolld/enrolld/drivers"
)

// fakeDaemon serves the daemon's API with fixed answers.
func fakeDaemon(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+api.PathStatus, func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(api.Status{
			Station:         api.Station{ID: "ber-01", Name: "Berlin 1"},
			Build:           api.Build{Version: "1.0", Revision: "abc", GoVersion: "go1.26"},
			Started:         time.Unix(0, 0),
			Uptime:          3723,
			Ready:           false,
			NotReady:        "starting devices",
			StoragePath:     "/var/lib/enrolld",
			Devices:         map[drivers.State]int{drivers.StateLoaded: 2, drivers.StateFailed: 1},
			Drivers:         []string{"isdv4", "uru4000"},
			LastReloadError: "config x: line 3: unknown key\nmore",
		})
	})
	mux.HandleFunc("GET "+api.PathDevices, func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(api.Devices{Devices: []drivers.DeviceStatus{
			{Name: "finger", Driver: "uru4000", Kind: capture.KindFinger, State: drivers.StateLoaded,
				Info: &capture.Info{Model: "U.are.U 4500", Path: "1/4"}},
			{Name: "pad", Driver: "isdv4", Kind: drivers.KindUnknown, State: drivers.StateFailed, Emulated: true,
				Reason: `driver "isdv4" is not compiled into this build`},
		}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestStatusAndDevices(t *testing.T) {
	srv := fakeDaemon(t)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"status", "--daemon.url", srv.URL}, []string{
			"station      ber-01 (Berlin 1)", "ready        no: starting devices", "uptime       1h2m3s",
			"devices      2 loaded, 0 skipped, 1 failed, 0 pending", "version      1.0 (revision abc, go1.26)",
			"drivers      isdv4, uru4000", "last reload  FAILED: config x: line 3: unknown key\n"}},
		{[]string{"devices", "--daemon.url", srv.URL + "/"}, []string{
			"NAME    KIND     DRIVER   STATE   MODEL         DETAIL",
			"finger  finger   uru4000  loaded  U.are.U 4500  1/4",
			`pad     unknown  isdv4    failed  -             emulated driver "isdv4" is not compiled into this build`}},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(tt.args...)
		if code != exitOK {
			t.Errorf("%v: exit %d, stderr %q", tt.args, code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v output:\n%s\nlacks %q", tt.args, out, w)
			}
		}
	}
}

func TestJSONOutput(t *testing.T) {
	srv := fakeDaemon(t)
	code, out, _ := runCLI("devices", "--json", "--daemon.url", srv.URL)
	var d api.Devices
	if code != exitOK || json.Unmarshal([]byte(out), &d) != nil || len(d.Devices) != 2 || d.Devices[1].Reason == "" {
		t.Errorf("devices --json: exit %d, output %q", code, out)
	}
	code, out, _ = runCLI("status", "--json", "--daemon.url", srv.URL)
	var st api.Status
	if code != exitOK || json.Unmarshal([]byte(out), &st) != nil || st.Station.ID != "ber-01" {
		t.Errorf("status --json: exit %d, output %q", code, out)
	}
}

func TestDaemonErrors(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(api.Error{Error: "storage is full"})
	}))
	defer broken.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"status", "--daemon.url", broken.URL}, "500 Internal Server Error: storage is full"},
		{[]string{"devices", "--daemon.url", gone.URL}, "is enrolld running at " + gone.URL},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(tt.args...)
		if code != exitFailed || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 with %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		wantOut    string
		wantStderr string
	}{
		{nil, exitUsage, "", "Usage: enrollctl"},
		{[]string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{[]string{"status", "--no-such-flag"}, exitUsage, "", "flag provided but not defined"},
		{[]string{"status", "extra"}, exitUsage, "", "status takes no arguments"},
		{[]string{"help"}, exitOK, "firmware", ""},
		{[]string{"--help"}, exitOK, "devices", ""},
		{[]string{"help", "devices"}, exitOK, "", "-daemon.url"},
		{[]string{"status", "-h"}, exitOK, "", "-json"},
		{[]string{"capture", "--device", "finger"}, exitUsage, "", `unknown kind "--device"`},
		{[]string{"synth", "gallery"}, exitUsage, "", "need --out FILE"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(tt.args...)
		if code != tt.code || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantStderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, %q, %q",
				tt.args, code, out, errOut, tt.code, tt.wantOut, tt.wantStderr)
		}
	}
}

func TestCommandTable(t *testing.T) {
	want := []string{"status", "devices", "capture", "extract", "match", "eval", "synth", "bench",
		"search", "record", "queue", "firmware", "keys", "audit", "wsq"}
	seen := map[string]bool{}
	for _, c := range commands() {
		if seen[c.name] {
			t.Errorf("command %q listed twice", c.name)
		}
		seen[c.name] = true
		if c.summary == "" || c.run == nil {
			t.Errorf("command %q lacks a summary or a function", c.name)
		}
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("command %q missing", w)
		}
	}
}

// TestIsFlagError feeds isFlagError the errors the flag package really returns.
func TestIsFlagError(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"--nosuch"}, true},
		{[]string{"--n"}, true},
		{[]string{"--n", "x"}, true},
		{[]string{"--b=maybe"}, true},
		{[]string{"---x"}, true},
		{[]string{"--n", "3"}, false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Int("n", 0, "")
		fs.Bool("b", false, "")
		err := fs.Parse(tt.args)
		if got := isFlagError(fmt.Errorf("wrapped: %w", err)); got != tt.want {
			t.Errorf("%v: parse error %v; isFlagError = %v, want %v", tt.args, err, got, tt.want)
		}
	}
	if isFlagError(errors.New("invalid input file")) {
		t.Error("an ordinary error counted as a flag error")
	}
}
