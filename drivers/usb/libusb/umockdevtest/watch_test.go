//go:build cgo

package umockdevtest

import (
	"context"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// TestWatchSeesReplayedDevice enumerates through libusb under umockdev and checks
// that usb.Watch reports the replayed device as arrived, fully described.
func TestWatchSeesReplayedDevice(t *testing.T) {
	tr, err := usbtest.ReadFile("../../usbtest/testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	bus, addr, child := usbtest.UmockdevChild(t)
	if !child {
		r, err := tr.WriteReplay(t.TempDir(), "watch")
		if err != nil {
			t.Fatal(err)
		}
		usbtest.RunUnderUmockdev(t, r)
		return
	}
	b, err := libusb.Open(BusOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	events := b.Watch(ctx, &usb.WatchOptions{Interval: 10 * time.Millisecond, OnError: func(err error) { t.Error(err) }})
	ev := <-events
	cancel()
	for range events {
	}
	if err := b.Close(); err != nil {
		t.Error(err)
	}
	d := ev.Device
	if !ev.Arrived || d.Bus != bus || d.Address != addr || d.ID != tr.Device.ID || d.Port != "1-2" ||
		d.Manufacturer != "enrolld" || d.Product != "Loopback" || d.Serial != "0001" || d.BcdDevice != 0x0100 {
		t.Errorf("event = %+v, %#v", ev.Arrived, d)
	}
}
