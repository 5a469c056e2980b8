package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/enrolld/enrolld/cmd/internal/api"
	"github.com/enrolld/enrolld/drivers"
)

// syncBuffer is a log sink tests can read while the daemon writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testDaemon is a daemon running in the test process on a random port.
type testDaemon struct {
	url     string
	cfgFile string
	sigs    chan os.Signal
	done    chan error
	logs    *syncBuffer
	d       *daemon
}

// startTestDaemon writes cfgText (with its storage in a temporary directory) to a
// file, starts a daemon on it with reg's drivers and env as its environment, and
// stops it when the test ends.
func startTestDaemon(t *testing.T, cfgText string, reg *drivers.Registry, env map[string]string) *testDaemon {
	t.Helper()
	return startTestDaemonWith(t, cfgText, daemonOptions{registry: reg}, env)
}

// startTestDaemonWith is startTestDaemon with more daemon options (registry, USB bus).
func startTestDaemonWith(t *testing.T, cfgText string, opts daemonOptions, env map[string]string) *testDaemon {
	t.Helper()
	dir := t.TempDir()
	td := &testDaemon{
		cfgFile: filepath.Join(dir, "enrolld.yaml"),
		sigs:    make(chan os.Signal, 1),
		done:    make(chan error, 1),
		logs:    &syncBuffer{},
	}
	if err := os.WriteFile(td.cfgFile, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := parseFlags([]string{"--config.file", td.cfgFile, "--storage.path", filepath.Join(dir, "state"),
		"--shutdown.timeout", "5s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(td.cfgFile, f)
	if err != nil {
		t.Fatal(err)
	}
	level := &slog.LevelVar{}
	level.Set(parseLevel(cfg.Log.Level))
	addr := make(chan string, 1)
	opts.config, opts.flags, opts.level = cfg, f, level
	opts.logger = newLogger(td.logs, "json", level)
	opts.env = func(k string) string { return env[k] }
	opts.listen = func(network, _ string) (net.Listener, error) {
		ln, err := net.Listen(network, "127.0.0.1:0")
		if err == nil {
			addr <- ln.Addr().String()
		}
		return ln, err
	}
	td.d, err = newDaemon(opts)
	if err != nil {
		t.Fatal(err)
	}
	go func() { td.done <- td.d.run(context.Background(), td.sigs) }()
	select {
	case a := <-addr:
		td.url = "http://" + a
	case err := <-td.done:
		t.Fatalf("daemon stopped at once: %v\n%s", err, td.logs)
	}
	t.Cleanup(func() {
		select {
		case td.sigs <- syscall.SIGTERM:
			<-td.done
		case <-td.done:
		}
	})
	return td
}

// get fetches path and returns the status code and body.
func (td *testDaemon) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(td.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitReady polls /-/ready until it answers 200.
func (td *testDaemon) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if code, _ := td.get(t, "/-/ready"); code == http.StatusOK {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("not ready after 10 s; logs:\n%s", td.logs)
}

// waitFor polls cond until it holds, for at most 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns run's result.
func (td *testDaemon) stop(t *testing.T) error {
	t.Helper()
	td.sigs <- syscall.SIGTERM
	select {
	case err := <-td.done:
		td.done <- err // for Cleanup
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the daemon did not stop within 10 s of SIGTERM")
		return nil
	}
}

const testConfig = `
station: {id: test-01, name: Test station}
web: {listen_address: "127.0.0.1:9464"}
devices:
  - {name: finger, driver: fakeusb, emulate: true, options: {model: F1}}
  - {name: camera, driver: gate}
  - {name: pad, driver: isdv4, emulate: true}
`

func TestDaemonReadyAndAPI(t *testing.T) {
	gate := make(chan struct{})
	td := startTestDaemon(t, testConfig, newTestRegistry(gate), nil)

	if code, body := td.get(t, "/-/healthy"); code != http.StatusOK {
		t.Errorf("/-/healthy = %d %q before the devices are up, want 200", code, body)
	}
	var code int
	var body string
	waitFor(t, func() bool {
		code, body = td.get(t, "/-/ready")
		return strings.Contains(body, "starting devices")
	})
	if code != http.StatusServiceUnavailable {
		t.Errorf("/-/ready = %d %q while a device is opening, want 503", code, body)
	}
	var st api.Status
	waitFor(t, func() bool { // the others open at once; the camera waits at the gate
		decodeJSON(t, td, api.PathStatus, &st)
		return st.Devices[drivers.StatePending] == 1
	})
	if st.Ready || st.Devices[drivers.StatePending] != 1 || st.NotReady != "starting devices" {
		t.Errorf("status while opening: ready=%v (%q) devices=%v, want not ready with the camera pending",
			st.Ready, st.NotReady, st.Devices)
	}

	close(gate)
	td.waitReady(t)
	decodeJSON(t, td, api.PathStatus, &st)
	if !st.Ready || st.Station.ID != "test-01" || st.Devices[drivers.StateLoaded] != 2 ||
		st.Devices[drivers.StateFailed] != 1 || st.Build.GoVersion == "" ||
		strings.Join(st.Drivers, ",") != "fakeusb,gate" {
		t.Errorf("status when ready: %+v", st)
	}
	var devs api.Devices
	decodeJSON(t, td, api.PathDevices, &devs)
	want := []struct {
		name   string
		state  drivers.State
		reason string
	}{
		{"finger", drivers.StateLoaded, ""},
		{"camera", drivers.StateLoaded, ""},
		{"pad", drivers.StateFailed, `driver "isdv4" is not compiled into this build`},
	}
	if len(devs.Devices) != len(want) {
		t.Fatalf("devices = %+v", devs.Devices)
	}
	for i, w := range want {
		got := devs.Devices[i]
		if got.Name != w.name || got.State != w.state || !strings.Contains(got.Reason, w.reason) {
			t.Errorf("device %d = %s %s %q, want %s %s %q", i, got.Name, got.State, got.Reason, w.name, w.state, w.reason)
		}
	}
	if devs.Devices[0].Info == nil || devs.Devices[0].Info.Model != "F1" {
		t.Errorf("finger info = %+v, want the model the driver read from the emulator", devs.Devices[0].Info)
	}

	_, metrics := td.get(t, "/metrics")
	for _, w := range []string{
		`enrolld_device_up{driver="fakeusb",kind="finger"} 1`,
		`enrolld_device_up{driver="gate",kind="camera"} 1`,
		`enrolld_device_up{driver="isdv4",kind="unknown"} 0`,
		`enrolld_ready 1`,
		`enrolld_build_info{goversion="go`,
		`enrolld_http_requests_total{code="503",handler="/-/ready",method="get"}`,
		`enrolld_http_request_duration_seconds_count{handler="/api/v1/status",method="get"}`, // observed after the reply is sent, so no exact count
		"process_start_time_seconds", "go_goroutines",
	} {
		if !strings.Contains(metrics, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
	if code, body := td.get(t, "/api/v1/nothing"); code != http.StatusNotFound ||
		body != "{\n  \"error\": \"no API endpoint /api/v1/nothing\"\n}\n" {
		t.Errorf("unknown API path answered %d %q, want 404 in JSON", code, body)
	}
	resp, err := http.Post(td.url+api.PathStatus, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST %s answered %s (Allow %q), want 405 allowing GET", api.PathStatus, resp.Status, resp.Header.Get("Allow"))
	}
	if code, _ := td.get(t, "/nothing"); code != http.StatusNotFound {
		t.Errorf("unknown path answered %d, want 404", code)
	}
	if err := td.stop(t); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func decodeJSON(t *testing.T, td *testDaemon, path string, v any) {
	t.Helper()
	code, body := td.get(t, path)
	if code != http.StatusOK {
		t.Fatalf("%s = %d %s", path, code, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
}
