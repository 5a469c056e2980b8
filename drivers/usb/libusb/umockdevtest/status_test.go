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

// TestErrorsThroughLibusb replays each device-side error a capture can hold and
// checks that package libusb maps libusb's status to the usb sentinel.
func TestErrorsThroughLibusb(t *testing.T) {
	tr, err := usbtest.ReadFile("../../usbtest/testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	tr.Transfers = []usbtest.Transfer{
		{Kind: usbtest.Read, Endpoint: 0x81, Length: 64, Err: usb.ErrStall},
		{Kind: usbtest.Control, RequestType: 0xc0, Request: 9, Length: 4, Err: usb.ErrStall},
		{Kind: usbtest.Read, Endpoint: 0x81, Length: 64, In: []byte{1, 2, 3}, Err: usb.ErrOverflow},
		{Kind: usbtest.Write, Endpoint: 0x01, Length: 2, Out: []byte{1, 2}, Err: usb.ErrStall},
		{Kind: usbtest.Read, Endpoint: 0x82, Length: 8, Err: usb.ErrNoDevice},
	}
	Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		buf := make([]byte, 64)
		check := func(what string, err, want error) {
			t.Helper()
			if !errors.Is(err, want) {
				t.Errorf("%s: %v, want %v", what, err, want)
			}
		}
		_, err := dev.Read(ctx, 0x81, buf)
		check("stalled read", err, usb.ErrStall)
		_, err = dev.Control(ctx, 0xc0, 9, 0, 0, buf[:4])
		check("stalled control", err, usb.ErrStall)
		_, err = dev.Read(ctx, 0x81, buf)
		check("overflowing read", err, usb.ErrOverflow)
		_, err = dev.Write(ctx, 0x01, []byte{1, 2})
		check("stalled write", err, usb.ErrStall)
		_, err = dev.Read(ctx, 0x82, buf[:8])
		check("read from a vanished device", err, usb.ErrNoDevice)
	})
}
