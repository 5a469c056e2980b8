package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeSystemd listens where $NOTIFY_SOCKET points and collects the datagrams.
type fakeSystemd struct {
	conn *net.UnixConn
	msgs chan string
}

func newFakeSystemd(t *testing.T, addr string) *fakeSystemd {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSystemd{conn: conn, msgs: make(chan string, 1000)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(f.msgs)
				return
			}
			f.msgs <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return f
}

// expect waits for a datagram containing want, skipping others; it returns it.
func (f *fakeSystemd) expect(t *testing.T, want string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-f.msgs:
			if !ok {
				t.Fatalf("socket closed before %q", want)
			}
			if strings.Contains(m, want) {
				return m
			}
		case <-timeout:
			t.Fatalf("no %q from the daemon within 10 s", want)
		}
	}
}

func TestSystemdNotify(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	sd := newFakeSystemd(t, sock)
	gate := make(chan struct{})
	close(gate)
	td := startTestDaemon(t, testConfig, newTestRegistry(gate), map[string]string{
		"NOTIFY_SOCKET": sock, "WATCHDOG_USEC": "20000", "WATCHDOG_PID": fmt.Sprint(os.Getpid()),
	})
	ready := sd.expect(t, "READY=1")
	if !strings.Contains(ready, "STATUS=2 devices loaded, 0 skipped, 1 failed") {
		t.Errorf("READY datagram %q lacks the device STATUS", ready)
	}
	sd.expect(t, "WATCHDOG=1")
	sd.expect(t, "WATCHDOG=1")

	td.sigs <- syscall.SIGHUP
	reloading := sd.expect(t, "RELOADING=1")
	if !strings.Contains(reloading, "MONOTONIC_USEC=") {
		t.Errorf("RELOADING datagram %q lacks MONOTONIC_USEC", reloading)
	}
	sd.expect(t, "READY=1")
	if err := td.stop(t); err != nil {
		t.Fatal(err)
	}
	sd.expect(t, "STOPPING=1")
}

func TestNotifyAbstractSocket(t *testing.T) {
	addr := fmt.Sprintf("@enrolld-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	sd := newFakeSystemd(t, addr)
	n := newNotifier(func(k string) string { return map[string]string{"NOTIFY_SOCKET": addr}[k] })
	if err := n.send("READY=1", "STATUS=ok"); err != nil {
		t.Fatal(err)
	}
	if got := sd.expect(t, "READY=1"); got != "READY=1\nSTATUS=ok\n" {
		t.Errorf("datagram = %q", got)
	}
}

func TestNotifierOff(t *testing.T) {
	n := newNotifier(func(string) string { return "" })
	if n != nil {
		t.Fatal("a notifier without $NOTIFY_SOCKET")
	}
	if err := n.send("READY=1"); err != nil {
		t.Errorf("nil notifier send: %v", err)
	}
	bad := &notifier{addr: filepath.Join(t.TempDir(), "missing")}
	if err := bad.send("READY=1"); err == nil || !strings.Contains(err.Error(), "sd_notify") {
		t.Errorf("send to a missing socket = %v", err)
	}
}

func TestWatchdogInterval(t *testing.T) {
	tests := []struct {
		usec, pid string
		want      time.Duration
	}{
		{"", "", 0},
		{"0", "", 0},
		{"junk", "", 0},
		{"20000000", "", 10 * time.Second},
		{"20000000", "42", 10 * time.Second},
		{"20000000", "43", 0}, // meant for another process
	}
	for _, tt := range tests {
		env := map[string]string{"WATCHDOG_USEC": tt.usec, "WATCHDOG_PID": tt.pid}
		if got := watchdogInterval(func(k string) string { return env[k] }, 42); got != tt.want {
			t.Errorf("usec=%q pid=%q: %s, want %s", tt.usec, tt.pid, got, tt.want)
		}
	}
}
