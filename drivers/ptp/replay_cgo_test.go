//go:build cgo

package ptp_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb/umockdevtest"
)

// TestSessionThroughLibusb is the whole USB path: the emulator's session, written as a
// usbmon capture and a umockdev device, replayed to the same session through package
// libusb, gousb and libusb 1.0.
func TestSessionThroughLibusb(t *testing.T) {
	tr, want := record(t)
	umockdevtest.Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		got, err := session(ctx, dev)
		if err != nil {
			t.Fatal(err)
		}
		got.Left = want.Left
		if !reflect.DeepEqual(got, want) {
			t.Errorf("session through libusb:\n got %+v\nwant %+v", got, want)
		}
	})
}
