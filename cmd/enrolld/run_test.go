package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as enrolld itself when re-executed with
// ENROLLD_TEST_MAIN=1, so the tests can check real exit statuses and signals.
func TestMain(m *testing.M) {
	if os.Getenv("ENROLLD_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func TestRunExitStatus(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	writeFile(t, good, "station: {id: s1}\n")
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, bad, "station: {id: s1}\nweb:\n  listen_adress: ':9464'\n")
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout string
		wantStderr string
	}{
		{"misspelt key", []string{"--config.file", bad}, exitUsage, "",
			`line 3: unknown key "listen_adress" in web (did you mean "listen_address"?)`},
		{"missing file", []string{"--config.file", filepath.Join(dir, "none.yaml")}, exitUsage, "", "no such file"},
		{"bad flag value", []string{"--config.file", good, "--log.level", "loud"}, exitUsage, "", `(from --log.level)`},
		{"unknown flag", []string{"--no.such.flag"}, exitUsage, "", "flag provided but not defined"},
		{"argument", []string{"--config.file", good, "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"bad timeout", []string{"--shutdown.timeout", "0s"}, exitUsage, "", "must be positive"},
		{"help", []string{"-h"}, exitOK, "", "--config.file"},
		{"version", []string{"--version"}, exitOK, "enrolld dev", ""},
		{"check good", []string{"--config.file", good, "--config.check"}, exitOK, "is valid (0 devices)", ""},
		{"check bad", []string{"--config.file", bad, "--config.check"}, exitUsage, "", "unknown key"},
		{"bad host", []string{"--config.file", good, "--web.listen-address", "256.0.0.1:80"}, exitUsage, "", "not an IP address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(tt.args, &stdout, &stderr, func(string) string { return "" }, nil)
			if got != tt.want || !strings.Contains(stdout.String(), tt.wantStdout) ||
				!strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					got, stdout.String(), stderr.String(), tt.want, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

// TestRunStartFailure: a failure after the configuration was accepted is status 1.
func TestRunStartFailure(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	file := filepath.Join(dir, "file")
	writeFile(t, file, "")
	writeFile(t, cfg, "station: {id: s1}\nweb: {listen_address: '127.0.0.1:1'}\nstorage: {path: "+file+"}\n")
	var stderr bytes.Buffer
	// Port 1 needs privileges or is refused; if the listen works the storage fails.
	got := run([]string{"--config.file", cfg, "--log.format", "json"}, io.Discard, &stderr, func(string) string { return "" }, nil)
	if got != exitFailed {
		t.Errorf("exit %d, want %d; stderr:\n%s", got, exitFailed, stderr.String())
	}
}

// reexec runs the test binary as enrolld with args.
func reexec(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ENROLLD_TEST_MAIN=1")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	return cmd, stderr
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestMainExitsTwoOnBadConfig(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, "station:\n  id: s1\ndevices:\n  - driver: ptp\n    emulat: true\n")
	cmd, stderr := reexec(t, "--config.file", bad)
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("enrolld with a misspelt key: %v, want exit status 2", err)
	}
	if want := `line 5: unknown key "emulat" in devices[0] (did you mean "emulate"?)`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
}

// TestMainStopsOnSIGTERM runs the real binary and stops it with a real signal.
func TestMainStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	writeFile(t, cfg, "station: {id: s1}\nweb: {listen_address: '127.0.0.1:19999'}\n")
	cmd, stderr := reexec(t, "--config.file", cfg, "--storage.path", filepath.Join(dir, "state"),
		"--web.listen-address", freeAddr(t))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "enrolld ready") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("not ready within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
}
