//go:build cgo

package dfu_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb/umockdevtest"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
	"github.com/enrolld/enrolld/firmware/dfu"
	"github.com/enrolld/enrolld/firmware/emu"
)

// dfuModeDevice detaches an emulated device into DFU mode and opens it there.
func dfuModeDevice(t *testing.T, cfg emu.Config) usb.Device {
	t.Helper()
	ctx := context.Background()
	bus := emu.Bus{Dev: emu.New(cfg)}
	devs, _ := bus.Devices(ctx)
	rt, err := bus.Open(ctx, devs[0])
	if err != nil {
		t.Fatal(err)
	}
	host, err := dfu.New(ctx, rt, dfu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Detach(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rt.(usb.Resetter).Reset(ctx); err != nil {
		t.Fatal(err)
	}
	devs, _ = bus.Devices(ctx)
	d, err := bus.Open(ctx, devs[0])
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// flashAndReadBack is the session under test: download, manifestation, read-back.
func flashAndReadBack(t *testing.T, dev usb.Transport, payload []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	host, err := dfu.New(ctx, dev, dfu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !host.InDFUMode() {
		t.Fatal("device is not in DFU mode")
	}
	needsReset, err := host.Download(ctx, payload, nil)
	if err != nil || needsReset {
		t.Fatalf("download: reset %v, %v", needsReset, err)
	}
	back, err := host.Upload(ctx, len(payload))
	if err != nil || !bytes.Equal(back, payload) {
		t.Fatalf("read-back: %d bytes, %v", len(back), err)
	}
}

// TestReplayThroughLibusb records a DFU download on the emulator and replays it to
// the DFU host through package libusb under umockdev.
func TestReplayThroughLibusb(t *testing.T) {
	cfg := emu.DefaultConfig()
	cfg.TransferSize = 256
	payload := emu.Image(0x0200, 1000, 3)
	dev := dfuModeDevice(t, cfg)
	rec := usbtest.NewRecord(dev)
	flashAndReadBack(t, rec, payload)
	umockdevtest.Run(t, rec.Transcript(), func(t *testing.T, dev usb.Device) {
		flashAndReadBack(t, dev, payload)
	})
}
