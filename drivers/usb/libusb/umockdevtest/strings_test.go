//go:build cgo

package umockdevtest

import (
	"context"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb/libusb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// TestStringsFromTheDevice opens the replayed device without sysfs, so package
// libusb asks the device for its strings (GET_DESCRIPTOR, as libusb does), and
// the capture's string exchanges answer.
func TestStringsFromTheDevice(t *testing.T) {
	tr, err := usbtest.ReadFile("../../usbtest/testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	bus, addr, child := usbtest.UmockdevChild(t)
	if !child {
		r, err := tr.WriteReplay(t.TempDir(), "strings")
		if err != nil {
			t.Fatal(err)
		}
		usbtest.RunUnderUmockdev(t, r)
		return
	}
	b, err := libusb.Open(&libusb.Options{SysfsRoot: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	devs, err := b.Devices(ctx)
	if err != nil || len(devs) != 1 || devs[0].Bus != bus || devs[0].Address != addr || devs[0].Product != "" {
		t.Fatalf("devices without sysfs: %v, %+v", err, devs)
	}
	dev, err := b.Open(ctx, devs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	d := dev.Descriptor()
	if d.Manufacturer != "enrolld" || d.Product != "Loopback" || d.Serial != "0001" {
		t.Errorf("strings read from the device: %q %q %q", d.Manufacturer, d.Product, d.Serial)
	}
}
