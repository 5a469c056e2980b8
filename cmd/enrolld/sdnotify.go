package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// notifier speaks systemd's notification protocol (sd_notify(3)): one datagram of
// newline-separated KEY=VALUE assignments to the unix datagram socket named by
// $NOTIFY_SOCKET ("@name" is in the abstract namespace). A nil *notifier, for a
// daemon not run by systemd, sends nothing.
type notifier struct {
	addr string
}

// newNotifier returns the notifier for $NOTIFY_SOCKET, or nil when it is unset.
func newNotifier(env func(string) string) *notifier {
	addr := env("NOTIFY_SOCKET")
	if addr == "" {
		return nil
	}
	return &notifier{addr: addr}
}

// send sends the assignments ("READY=1", "STATUS=…") in one datagram.
func (n *notifier) send(assignments ...string) error {
	if n == nil {
		return nil
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(strings.Join(assignments, "\n") + "\n")); err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	return nil
}

// watchdogInterval returns how often to send WATCHDOG=1: half of $WATCHDOG_USEC, as
// sd_watchdog_enabled(3) advises, or 0 when the watchdog is off or meant for another
// process ($WATCHDOG_PID).
func watchdogInterval(env func(string) string, pid int) time.Duration {
	usec, err := strconv.ParseUint(env("WATCHDOG_USEC"), 10, 63)
	if err != nil || usec == 0 {
		return 0
	}
	if p := env("WATCHDOG_PID"); p != "" && p != strconv.Itoa(pid) {
		return 0
	}
	return time.Duration(usec) * time.Microsecond / 2
}

// monotonicUsec is CLOCK_MONOTONIC in microseconds, for RELOADING=1's MONOTONIC_USEC.
func monotonicUsec() string {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return "MONOTONIC_USEC=0"
	}
	return "MONOTONIC_USEC=" + strconv.FormatInt(ts.Nano()/1000, 10)
}
