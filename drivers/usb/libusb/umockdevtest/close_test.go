//go:build cgo

package umockdevtest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// TestCloseEndsPendingRead closes the device while an interrupt read waits for an
// answer that never comes: the read ends with usb.ErrNoDevice, and the device
// refuses transfers afterwards.
func TestCloseEndsPendingRead(t *testing.T) {
	tr, err := usbtest.ReadFile("../../usbtest/testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	tr.Transfers = []usbtest.Transfer{{Kind: usbtest.Read, Endpoint: 0x82, Length: 8, Err: usb.ErrCancelled}}
	Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx := context.Background()
		if _, err := dev.Read(ctx, 0x02, make([]byte, 8)); err == nil || !strings.Contains(err.Error(), "not an IN endpoint") {
			t.Errorf("read from an OUT endpoint: %v", err)
		}
		if _, err := dev.Write(ctx, 0x05, []byte{1}); err == nil || !strings.Contains(err.Error(), "no interface has endpoint 05") {
			t.Errorf("write to a missing endpoint: %v", err)
		}
		done := make(chan error)
		go func() {
			_, err := dev.Read(ctx, 0x82, make([]byte, 8))
			done <- err
		}()
		time.Sleep(100 * time.Millisecond)
		if err := dev.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-done; !errors.Is(err, usb.ErrNoDevice) {
			t.Errorf("pending read after Close: %v, want ErrNoDevice", err)
		}
		if _, err := dev.Control(ctx, 0xc0, 1, 0, 0, make([]byte, 2)); !errors.Is(err, usb.ErrNoDevice) {
			t.Errorf("control after Close: %v, want ErrNoDevice", err)
		}
	})
}
