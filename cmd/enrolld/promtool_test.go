package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// configsDir is the repository's configs/ folder.
const configsDir = "../../configs"

// promtool returns the path of promtool, or skips the test saying how to get it.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian: apt-get install prometheus, or make deps); skipping")
	}
	return p
}

// TestPromtoolCheckMetrics lints the daemon's real /metrics output.
func TestPromtoolCheckMetrics(t *testing.T) {
	pt := promtool(t)
	gate := make(chan struct{})
	close(gate)
	td := startTestDaemon(t, testConfig, newTestRegistry(gate), nil)
	td.waitReady(t)
	td.get(t, "/api/v1/status") // so that request metrics have series
	_, metrics := td.get(t, "/metrics")
	cmd := exec.Command(pt, "check", "metrics")
	cmd.Stdin = strings.NewReader(metrics)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	for _, w := range []string{"enrolld_device_up", "enrolld_device_errors_total", "enrolld_build_info",
		"enrolld_http_requests_total", "enrolld_http_request_duration_seconds_bucket"} {
		if !strings.Contains(metrics, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
}

// TestPromtoolRules checks the alert rules and the example Prometheus configuration,
// and runs the rules' unit tests.
func TestPromtoolRules(t *testing.T) {
	pt := promtool(t)
	for _, args := range [][]string{
		{"check", "rules", "alerts.yml"},
		{"check", "config", "prometheus.yml"},
		{"test", "rules", "alerts.test.yml"},
	} {
		cmd := exec.Command(pt, args...)
		cmd.Dir = configsDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestConfigsLoad loads and validates every enrolld configuration in configs/
// (the *.yaml files; Prometheus files there are *.yml).
func TestConfigsLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(configsDir, "*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("configs: %v %v, want at least enrolld.yaml and demo.yaml", files, err)
	}
	for _, f := range files {
		cfg, err := loadConfig(f, nil)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(cfg.Devices) == 0 {
			t.Errorf("%s names no devices", f)
		}
	}
}

// TestDemoConfigNamesTheDemoDevices keeps the demo on the three emulated devices.
func TestDemoConfigNamesTheDemoDevices(t *testing.T) {
	cfg, err := loadConfig(filepath.Join(configsDir, "demo.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range cfg.Devices {
		if !d.Emulate {
			t.Errorf("demo device %s is not emulated", d.Name)
		}
		got = append(got, d.Driver)
	}
	if strings.Join(got, ",") != "uru4000,ptp,isdv4" {
		t.Errorf("demo drivers = %v, want uru4000, ptp, isdv4", got)
	}
}

// TestSystemdUnit verifies the unit with systemd-analyze when it can run here.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile(filepath.Join(configsDir, "enrolld.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Type=notify", "WatchdogSec=", "StateDirectory=enrolld", "ProtectSystem=strict",
		"NoNewPrivileges=yes", "PrivateTmp=yes", "DeviceAllow=char-usb_device rw", "ExecReload=/bin/kill -HUP $MAINPID",
		"RestartPreventExitStatus=2"} {
		if !strings.Contains(string(unit), w+"\n") && !strings.Contains(string(unit), w) {
			t.Errorf("enrolld.service lacks %s", w)
		}
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; checked the unit's settings only")
	}
	// Verify a copy whose ExecStart points at a binary that exists here.
	dir := t.TempDir()
	text := strings.ReplaceAll(string(unit), "/usr/local/bin/enrolld", "/bin/true")
	path := filepath.Join(dir, "enrolld.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", "--man=no", path).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "System has not been booted with systemd") ||
			strings.Contains(string(out), "Failed to ") && !strings.Contains(string(out), "enrolld.service") {
			t.Skipf("systemd-analyze cannot run here: %s", out)
		}
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "enrolld.service:") {
		t.Errorf("systemd-analyze verify warns:\n%s", out)
	}
	// The sandbox's exposure score (0 best, 10 worst; the unit scores 1.8) must
	// stay "OK": --threshold=25 fails above 2.5.
	out, err = exec.Command(sa, "security", "--offline=yes", "--threshold=25", path).CombinedOutput()
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		t.Errorf("systemd-analyze security: %v: %s", err, lines[len(lines)-1])
	}
}
