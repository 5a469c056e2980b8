//go:build cgo

package main

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb/libusb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// TestCaptureFaceUnderUmockdev records what "capture face" does on the wire with the
// emulated camera, replays it under umockdev-run and runs "capture face --usb" against
// the replayed camera through libusb.
func TestCaptureFaceUnderUmockdev(t *testing.T) {
	if _, _, child := usbtest.UmockdevChild(t); child {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out := filepath.Join(t.TempDir(), "face.jpg")
		var stdout, stderr bytes.Buffer
		err := runCaptureFace(ctx, []string{"face", "--usb", "1209:0002", "--preview", "0", "--out", out}, &stdout, &stderr)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != 960 || cfg.Height != 1280 || !strings.Contains(stdout.String(), "960 x 1280") {
			t.Fatalf("replayed photo %+v: %v (%s)", cfg, err, stdout.String())
		}
		return
	}
	if !libusb.Available {
		t.Skip("built without cgo: no libusb")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	drv, _ := drivers.Default.Driver("ptp")
	em, _ := drivers.Default.Emulator("ptp")
	dev, err := em.USB(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	rec := usbtest.NewRecord(dev)
	if _, err := captureFaceFrom(ctx, drv, rec, 0, io.Discard); err != nil {
		t.Fatal(err)
	}
	r, err := rec.Transcript().WriteReplay(t.TempDir(), "face")
	if err != nil {
		t.Fatal(err)
	}
	usbtest.RunUnderUmockdev(t, r)
}
