package main

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/enrolld/enrolld/cmd/internal/api"
)

func TestReloadOnSIGHUP(t *testing.T) {
	gate := make(chan struct{})
	close(gate)
	td := startTestDaemon(t, `
station: {id: test-01}
log: {level: info}
devices:
  - {name: finger, driver: fakeusb, emulate: true, options: {model: F1}}
  - {name: camera, driver: gate}
`, newTestRegistry(gate), nil)
	td.waitReady(t)
	camera, _ := td.d.manager.Device("camera")

	writeFile(t, td.cfgFile, `
station: {id: test-01}
web: {listen_address: "127.0.0.1:9999"}
log: {level: debug, format: logfmt}
devices:
  - {name: finger, driver: fakeusb, emulate: true, options: {model: F2}}
  - {name: finger2, driver: fakeusb, emulate: true, options: {model: G}}
`)
	td.sigs <- syscall.SIGHUP
	waitFor(t, func() bool { return strings.Contains(td.logs.String(), "configuration reloaded") })

	var devs api.Devices
	decodeJSON(t, td, api.PathDevices, &devs)
	var got []string
	for _, d := range devs.Devices {
		got = append(got, d.Name+"="+string(d.State)+":"+d.Info.Model)
	}
	if strings.Join(got, " ") != "finger=loaded:F2 finger2=loaded:G" {
		t.Errorf("devices after reload: %v", got)
	}
	if !camera.(*fakeDevice).halted.Load() {
		t.Error("the removed camera was not halted")
	}
	if td.d.opts.level.Level() != slog.LevelDebug {
		t.Errorf("log level after reload = %v, want debug", td.d.opts.level.Level())
	}
	logs := td.logs.String()
	for _, w := range []string{
		`"msg":"log level changed","from":"info","to":"debug"`,
		`"msg":"configuration section changed; restart enrolld to apply it","section":"web"`,
		`"msg":"log.format changed; restart enrolld to apply it"`,
		`"action":"removed","device":"camera"`,
		`"action":"reopened","device":"finger"`,
		`"action":"added","device":"finger2"`,
	} {
		if !strings.Contains(logs, w) {
			t.Errorf("logs lack %s", w)
		}
	}
	if td.d.cfg.Web.ListenAddress != "127.0.0.1:9464" {
		t.Errorf("web section in force = %+v; it needs a restart and must keep its old value", td.d.cfg.Web)
	}

	writeFile(t, td.cfgFile, "station: {id: test-01}\ndevise: []\n")
	td.sigs <- syscall.SIGHUP
	waitFor(t, func() bool { return strings.Contains(td.logs.String(), "reload failed") })
	var st api.Status
	decodeJSON(t, td, api.PathStatus, &st)
	if !strings.Contains(st.LastReloadError, `line 2: unknown key "devise"`) || len(devs.Devices) != 2 {
		t.Errorf("after a bad reload: last_reload_error=%q", st.LastReloadError)
	}
	if _, m := td.get(t, "/metrics"); !strings.Contains(m, "enrolld_config_last_reload_successful 0") {
		t.Error("enrolld_config_last_reload_successful is not 0 after a failed reload")
	}
	if d, ok := td.d.manager.Device("finger2"); !ok || d.Info().Model != "G" {
		t.Error("a failed reload changed the devices")
	}
}

func TestGracefulStop(t *testing.T) {
	gate := make(chan struct{})
	close(gate)
	td := startTestDaemon(t, testConfig, newTestRegistry(gate), nil)
	td.waitReady(t)
	finger, _ := td.d.manager.Device("finger")
	if err := td.stop(t); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !finger.(*fakeDevice).halted.Load() {
		t.Error("devices were not halted on SIGTERM")
	}
	if _, err := os.Stat(td.d.storage.Dir()); err != nil {
		t.Error(err)
	}
	if !strings.Contains(td.logs.String(), "enrolld stopped") {
		t.Error("no stop message in the logs")
	}
}

// stuck is a subsystem whose Stop never returns before its context ends.
type stuck struct{}

func (stuck) Name() string                    { return "stuck" }
func (stuck) Start(ctx context.Context) error { return nil }
func (stuck) Stop(ctx context.Context) error  { select {} }

func TestStopDeadline(t *testing.T) {
	gate := make(chan struct{})
	close(gate)
	td := startTestDaemon(t, "station: {id: s1}\n", newTestRegistry(gate), nil)
	td.waitReady(t)
	td.d.opts.flags.shutdownTimeout = 50 * time.Millisecond
	start := time.Now()
	err := td.d.stop([]subsystem{stuck{}})
	if err == nil || !strings.Contains(err.Error(), "stopping stuck: did not finish within 50ms") {
		t.Errorf("stop = %v, want the deadline error", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("stop took %s despite a 50 ms deadline", elapsed)
	}
}

func TestStorageLock(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	a, _ := newStorage(dir, log)
	b, _ := newStorage(dir, log)
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := b.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "in use by another enrolld") {
		t.Errorf("second Start = %v, want the lock held", err)
	}
	if err := a.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(context.Background()); err != nil {
		t.Errorf("Start after the first stopped: %v", err)
	}
	b.Stop(context.Background())
	if err := os.WriteFile(dir+"/file", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c, _ := newStorage(dir+"/file", log)
	err = c.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Error("a file as the storage path was accepted")
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestStopWhileStarting(t *testing.T) {
	gate := make(chan struct{}) // never opens: the camera stays pending
	td := startTestDaemon(t, testConfig, newTestRegistry(gate), nil)
	waitFor(t, func() bool {
		_, body := td.get(t, "/-/ready")
		return strings.Contains(body, "starting devices")
	})
	finger, _ := td.d.manager.Device("finger")
	if err := td.stop(t); err != nil {
		t.Errorf("stop during start-up = %v, want a clean stop", err)
	}
	if !strings.Contains(td.logs.String(), "start-up interrupted") {
		t.Error("the log does not say start-up was interrupted")
	}
	if finger != nil && !finger.(*fakeDevice).halted.Load() {
		t.Error("a device opened during the interrupted start-up was not halted")
	}
	if d, ok := td.d.manager.Device("finger"); ok {
		t.Errorf("device %v still open after stopping during start-up", d)
	}
}
