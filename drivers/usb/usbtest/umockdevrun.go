package usbtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// envUmockdevChild marks the test process RunUnderUmockdev starts; its value is
// "bus/addr/test name".
const envUmockdevChild = "ENROLLD_USBTEST_UMOCKDEV_CHILD"

// UmockdevTimeout bounds the child test process RunUnderUmockdev runs.
const UmockdevTimeout = 2 * time.Minute

// UmockdevChild reports whether this process is the child RunUnderUmockdev started
// for test t, and where the replayed device is (bus and address, as in
// Replay.Bus and Replay.Addr).
func UmockdevChild(t testing.TB) (bus, addr int, ok bool) {
	parts := strings.SplitN(os.Getenv(envUmockdevChild), "/", 3)
	if len(parts) != 3 || parts[2] != t.Name() {
		return 0, 0, false
	}
	bus, err1 := strconv.Atoi(parts[0])
	addr, err2 := strconv.Atoi(parts[1])
	return bus, addr, err1 == nil && err2 == nil
}

// RunUnderUmockdev runs test t again, in a child process of the test binary,
// under umockdev-run with r's device description and capture, and reports
// whether the caller is that child:
//
//   - in the child it returns true at once; the test goes on to open the replayed
//     device through package libusb (UmockdevChild tells where it is) and check
//     what the driver does;
//   - in the parent it runs the child, logs its output, fails t if the child
//     failed or did not run the test, and returns false: the test should return.
//
// It skips t when umockdev-run is not installed. Most tests want the wrapper
// umockdevtest.Run (package drivers/usb/libusb/umockdevtest), which also opens
// the device.
func RunUnderUmockdev(t testing.TB, r Replay) bool {
	t.Helper()
	if _, _, ok := UmockdevChild(t); ok {
		return true
	}
	umockdev, err := exec.LookPath("umockdev-run")
	if err != nil {
		t.Skip("umockdev-run is not installed (Debian: apt install umockdev), so the replay through libusb is not tested")
	}
	ctx, cancel := context.WithTimeout(context.Background(), UmockdevTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, umockdev, "-d", r.Device, "-p", r.SysfsPath+"="+r.Capture, "--",
		os.Args[0], "-test.run", RunPattern(t.Name()), "-test.v", "-test.count=1", "-test.timeout="+UmockdevTimeout.String())
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d/%d/%s", envUmockdevChild, r.Bus, r.Addr, t.Name()))
	out, err := cmd.CombinedOutput()
	switch {
	case err != nil:
		t.Fatalf("under umockdev: %v\n%s", err, out)
	case strings.Contains(string(out), "--- SKIP: "+t.Name()+" "):
		t.Skipf("skipped under umockdev:\n%s", out)
	case !strings.Contains(string(out), "--- PASS: "+t.Name()+" "):
		t.Fatalf("under umockdev the test did not run and pass:\n%s", out)
	}
	t.Logf("under umockdev:\n%s", out)
	return false
}

// RunPattern is the -test.run pattern that selects exactly the test (or subtest)
// named name.
func RunPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
