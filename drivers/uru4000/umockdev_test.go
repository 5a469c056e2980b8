//go:build cgo

package uru4000_test

import (
	"context"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb/umockdevtest"
)

// TestReplayThroughLibusb is the whole USB path: an emulator session, written as a
// usbmon capture and a umockdev device, replayed to the driver through package
// libusb (gousb, libusb 1.0, usbfs ioctls answered by umockdev). The image must be
// the one the emulator session produced.
func TestReplayThroughLibusb(t *testing.T) {
	tr, want := recordSession(t)
	umockdevtest.Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, err := session(ctx, dev, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Pix) != string(want.Pix) {
			t.Fatal("image replayed through libusb differs from the emulator's")
		}
	})
}
