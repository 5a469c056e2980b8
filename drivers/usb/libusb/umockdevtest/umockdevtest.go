// Package umockdevtest runs a driver test against a replayed USB device through
// the real libusb path: a transcript (an emulator session recorded with
// usbtest.Record, or a golden file) is written as a usbmon capture and a umockdev
// device description, the test binary re-runs the test under umockdev-run, and there the
// test opens the device with package libusb (gousb, libusb 1.0, usbfs ioctls
// answered by umockdev from the capture) and runs the driver against it.
//
// A driver package's replay test, from the transcript its Playback tests use
// (a checked-in golden file, or a fresh emulator session through usbtest.Record):
//
//	func TestReplayThroughLibusb(t *testing.T) {
//		tr, err := usbtest.ReadFile("testdata/session.txt")
//		if err != nil {
//			t.Fatal(err)
//		}
//		umockdevtest.Run(t, tr, func(t *testing.T, dev usb.Device) {
//			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
//			defer cancel()
//			d, err := mydriver.New(ctx, dev, nil)
//			if err != nil {
//				t.Fatal(err)
//			}
//			… the same checks as against the emulator and Playback …
//		})
//	}
//
// The test file needs no build tag: without cgo the test skips.
//
// In the parent process Run writes the replay files, runs the child and returns
// after it (the callback runs only in the child). The test is skipped, saying
// why, when umockdev-run is missing or the binary was built without cgo.
//
// What the capture can and cannot replay: umockdev replays in order and checks
// each OUT payload byte for byte; a wrong payload makes it print "buffer
// mismatch" and the transfer then never completes, so keep transfer timeouts in
// replay tests short (a second). Timed-out and cancelled transfers replay as
// transfers that never complete. Transfers above 256 KiB cannot be captured.
// Recorded sessions replay only if the driver makes the same transfers, so inject
// any randomness (seeds, nonces) the protocol has.
package umockdevtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// Run replays tr to test under umockdev through package libusb; see the package doc.
func Run(t *testing.T, tr *usbtest.Transcript, test func(t *testing.T, dev usb.Device)) {
	t.Helper()
	if bus, addr, child := usbtest.UmockdevChild(t); child {
		dev, done := Open(t, bus, addr)
		defer done()
		test(t, dev)
		return
	}
	if !libusb.Available {
		t.Skip("built without cgo: package libusb cannot open the replayed device")
	}
	r, err := tr.WriteReplay(t.TempDir(), "replay")
	if err != nil {
		t.Fatal(err)
	}
	usbtest.RunUnderUmockdev(t, r)
}

// Open opens the device at bus/addr through package libusb and returns it with a
// function that closes it and the bus. It fails t if the device is not there.
func Open(t testing.TB, bus, addr int) (usb.Device, func()) {
	t.Helper()
	b, err := libusb.Open(BusOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	devs, err := b.Devices(ctx)
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	for _, d := range devs {
		if d.Bus == bus && d.Address == addr {
			dev, err := b.Open(ctx, d)
			if err != nil {
				b.Close()
				t.Fatal(err)
			}
			return dev, func() {
				if err := dev.Close(); err != nil {
					t.Error(err)
				}
				if err := b.Close(); err != nil {
					t.Error(err)
				}
			}
		}
	}
	b.Close()
	t.Fatalf("no device at %d/%d among %v", bus, addr, devs)
	return nil, nil
}

// BusOptions are the libusb options for a process running under umockdev:
// umockdev redirects libc's file calls to its testbed, but Go makes its own system
// calls, so package libusb's sysfs reads are pointed at the testbed explicitly.
func BusOptions() *libusb.Options {
	return &libusb.Options{SysfsRoot: filepath.Join(os.Getenv("UMOCKDEV_DIR"), "sys")}
}
