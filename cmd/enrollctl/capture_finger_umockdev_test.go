//go:build cgo

package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb/libusb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// TestCaptureFingerUnderUmockdev records what "capture finger --emulate" does on
// the wire, replays it under umockdev-run and runs "capture finger" against the
// replayed device through libusb: both must write the same PNG.
func TestCaptureFingerUnderUmockdev(t *testing.T) {
	const seed = "1234abcd"
	if _, _, child := usbtest.UmockdevChild(t); child {
		replayed, _ := runCapture(t, "--driver", "uru4000", "--scramble-seed", seed, "--timeout", "20s")
		emulated, _ := runCapture(t, append([]string{"--emulate", "--scramble-seed", seed}, fastDemo...)...)
		if !bytes.Equal(replayed, emulated) {
			t.Fatal("the PNG captured through libusb differs from the emulated one")
		}
		return
	}
	if !libusb.Available {
		t.Skip("built without cgo: no libusb")
	}
	ctx := testCtx(t)
	drv, _ := drivers.Default.Driver("uru4000")
	em, _ := drivers.Default.Emulator("uru4000")
	dev, err := em.USB(ctx, drivers.Options{"demo_delay": "10ms", "demo_hold": "10ms"})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	rec := usbtest.NewRecord(dev)
	if _, err := captureOne(ctx, drv, rec, drivers.Options{"scramble_seed": seed}, io.Discard); err != nil {
		t.Fatal(err)
	}
	r, err := rec.Transcript().WriteReplay(t.TempDir(), "finger")
	if err != nil {
		t.Fatal(err)
	}
	usbtest.RunUnderUmockdev(t, r)
}
