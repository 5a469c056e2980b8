//go:build cgo

package umockdevtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// TestSampleThroughLibusb replays usbtest's sample transcript through gousb,
// libusb and umockdev, and checks every answer, error and the descriptor.
func TestSampleThroughLibusb(t *testing.T) {
	tr, err := usbtest.ReadFile("../../usbtest/testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d := dev.Descriptor()
		if d.ID != tr.Device.ID || d.Product != "Loopback" || d.Serial != "0001" || len(d.Configs) != 1 ||
			len(d.Configs[0].Interfaces[0].Endpoints) != 3 || d.Configs[0].Interfaces[0].Endpoints[2].Interval != 4 {
			t.Errorf("descriptor = %#v", d)
		}
		buf := make([]byte, 64)
		if n, err := dev.Control(ctx, 0xc0, 1, 3, 0, buf[:2]); err != nil || n != 2 {
			t.Fatalf("control in: %d, %v", n, err)
		}
		if _, err := dev.Control(ctx, 0x40, 2, 3, 0, []byte{0xbe, 0xef}); err != nil {
			t.Fatal(err)
		}
		if n, err := dev.Write(ctx, 0x01, []byte("hello")); err != nil || n != 5 {
			t.Fatalf("write: %d, %v", n, err)
		}
		if _, err := dev.Control(ctx, 0x40, 2, 4, 0, []byte{1}); err != nil {
			t.Fatal(err)
		}
		n, err := dev.Read(ctx, 0x81, buf)
		if err != nil || string(buf[:n]) != "hello" {
			t.Fatalf("read: %q, %v", buf[:n], err)
		}
		if n, err := dev.Read(ctx, 0x82, buf[:8]); err != nil || n != 8 || buf[0] != 1 {
			t.Fatalf("interrupt: %x, %v", buf[:n], err)
		}
		short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancelShort()
		if _, err := dev.Read(short, 0x82, buf[:8]); !errors.Is(err, usb.ErrTimeout) {
			t.Fatalf("want timeout, got %v", err)
		}
		if err := dev.(usb.Resetter).Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := dev.Read(ctx, 0x82, buf); !errors.Is(err, usb.ErrNoDevice) {
			t.Errorf("after reset: %v, want ErrNoDevice", err)
		}
	})
}

// TestWrongPayloadIsCaught shows the replay is not vacuous: umockdev compares
// every OUT payload with the capture, and a transfer that differs never completes.
func TestWrongPayloadIsCaught(t *testing.T) {
	tr, err := usbtest.ReadFile("../../usbtest/testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := dev.Control(ctx, 0xc0, 1, 3, 0, make([]byte, 2)); err != nil {
			t.Fatal(err)
		}
		short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancelShort()
		if _, err := dev.Control(short, 0x40, 2, 3, 0, []byte{0xbe, 0xee}); !errors.Is(err, usb.ErrTimeout) {
			t.Fatalf("a payload that differs from the capture: %v, want a timeout", err)
		}
	})
}
