package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	stdsync "sync"
	"syscall"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
)

// The crash harness's processes: the three real binaries, built once per test run, a real
// enroll-central serving on loopback and real enrolld processes started and SIGKILLed on
// one storage directory.

// crashBins are the paths of the binaries under test.
type crashBins struct{ enrolld, central, enrollctl string }

// crashBuild builds enrolld, enroll-central and enrollctl into a temporary directory with
// the test's own Go environment (so the build cache of `go test` is reused).
func crashBuild(t *testing.T) crashBins {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			t.Skip("crash harness: no go tool to build the binaries with")
		}
	}
	dir := t.TempDir()
	// -s -w: no symbol table and DWARF, which halves the link time on a busy machine.
	cmd := exec.Command(goTool, "build", "-ldflags=-s -w", "-buildvcs=false", "-o", dir+string(filepath.Separator),
		"github.com/enrolld/enrolld/cmd/enrolld", "github.com/enrolld/enrolld/cmd/enroll-central",
		"github.com/enrolld/enrolld/cmd/enrollctl")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the binaries: %v\n%s", err, out)
	}
	return crashBins{filepath.Join(dir, "enrolld"), filepath.Join(dir, "enroll-central"), filepath.Join(dir, "enrollctl")}
}

// crashRun runs a short command (init, keys init) and fails the test if it fails.
func crashRun(t *testing.T, bin string, args ...string) {
	t.Helper()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
}

// crashLog keeps the last lines a process wrote on stderr, for failure messages.
type crashLog struct {
	mu    stdsync.Mutex
	lines []string
}

func (l *crashLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) >= 60 {
		l.lines = l.lines[1:]
	}
	l.lines = append(l.lines, line)
}

func (l *crashLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// crashProc is one started process whose output lines are scanned for a pattern.
type crashProc struct {
	cmd  *exec.Cmd
	log  *crashLog
	done chan struct{} // closed when the process has exited and its output is read
	err  error         // Wait's result, valid after done
}

// crashStart starts bin; match is called with every output line (stdout and stderr) and
// what it returns, when not empty, is sent on found (the first eight such values).
func crashStart(t *testing.T, bin string, args []string, match func(line string) string) (*crashProc, <-chan string) {
	t.Helper()
	p := &crashProc{cmd: exec.Command(bin, args...), log: &crashLog{}, done: make(chan struct{})}
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", filepath.Base(bin), err)
	}
	found := make(chan string, 8)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.log.add(sc.Text())
			if v := match(sc.Text()); v != "" {
				select {
				case found <- v:
				default:
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	go func() {
		p.err = p.cmd.Wait()
		pw.Close()
		<-scanned
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p, found
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *crashProc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// exited reports whether the process has ended.
func (p *crashProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// startCentreProc starts `enroll-central serve` on loopback ports chosen by the kernel and
// returns the stations' URL and the admin view's base URL.
func startCentreProc(t *testing.T, bin, dir string) (p *crashProc, centreURL, adminURL string) {
	t.Helper()
	p, found := crashStart(t, bin, []string{"serve", "--dir", dir, "--web.listen-address", "127.0.0.1:0",
		"--admin.listen-address", "127.0.0.1:0", "--log.level", "warn"}, func(line string) string {
		if _, u, ok := strings.Cut(line, "stations connect to "); ok {
			return "C" + u
		}
		if _, u, ok := strings.Cut(line, "admin view at "); ok {
			return "A" + strings.TrimSuffix(u, "/admin")
		}
		return ""
	})
	deadline := time.After(60 * time.Second)
	for centreURL == "" || adminURL == "" {
		select {
		case v := <-found:
			if v[0] == 'C' {
				centreURL = v[1:]
			} else {
				adminURL = v[1:]
			}
		case <-p.done:
			t.Fatalf("enroll-central exited: %v\n%s", p.err, p.log)
		case <-deadline:
			t.Fatalf("enroll-central did not start within a minute:\n%s", p.log)
		}
	}
	return p, centreURL, adminURL
}

// startDaemonProc starts enrolld with the configuration file cfg; the URL it serves on is
// sent on the returned channel once its HTTP server listens.
func startDaemonProc(t *testing.T, bin, cfg string) (*crashProc, <-chan string) {
	t.Helper()
	return crashStart(t, bin, []string{"--config.file", cfg, "--log.format", "json"}, func(line string) string {
		var l struct{ Msg, URL string }
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "enrolld starting" {
			return strings.TrimSuffix(l.URL, "/")
		}
		return ""
	})
}

// crashClient talks to a daemon over plain HTTP.
type crashClient struct {
	base, token string
	hc          *http.Client
}

// status returns the daemon's sync status; ok is false while the outbox is not open (or the
// daemon is gone).
func (c *crashClient) status(ctx context.Context) (st stsync.SyncStatus, ok bool) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/sync", nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		return st, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return st, false
	}
	return st, json.NewDecoder(resp.Body).Decode(&st) == nil
}

// waitOpen polls until the daemon's outbox is open. It fails the test if the daemon exits
// or takes longer than a generous minute.
func (c *crashClient) waitOpen(t *testing.T, p *crashProc) stsync.SyncStatus {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if st, ok := c.status(context.Background()); ok {
			return st
		}
		if p.exited() {
			t.Fatalf("enrolld exited during start-up: %v\n%s", p.err, p.log)
		}
		if time.Now().After(deadline) {
			t.Fatalf("enrolld's outbox did not open within a minute:\n%s", p.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// enroll posts one enrollment; it returns the packet id on 201, the HTTP status otherwise
// (0 when the request failed, as it does when the daemon is killed).
func (c *crashClient) enroll(ctx context.Context, body []byte) (id string, code int, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/enrollments", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	var out map[string]string
	derr := json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusCreated {
		return "", resp.StatusCode, fmt.Errorf("enroll answered %d: %v", resp.StatusCode, out)
	}
	if derr != nil || out["id"] == "" {
		// the 201 did not arrive in full: the operator was not told it is done
		return "", 0, fmt.Errorf("incomplete 201: %v", derr)
	}
	return out["id"], resp.StatusCode, nil
}
