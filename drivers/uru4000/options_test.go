package uru4000_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
	"github.com/enrolld/enrolld/drivers/usb"
)

func TestOptionsFromConfig(t *testing.T) {
	o, err := uru4000.OptionsFromConfig(drivers.Options{"scramble_seed": "1234abcd", "frame_timeout": "3s", "power_on_timeout": "250ms"})
	if err != nil {
		t.Fatal(err)
	}
	var seed [8]byte
	if _, err := io.ReadFull(o.SeedSource, seed[:]); err != nil || !bytes.Equal(seed[:], []byte{0xcd, 0xab, 0x34, 0x12, 0xcd, 0xab, 0x34, 0x12}) {
		t.Errorf("seed source gives % x, %v", seed, err)
	}
	if o.FrameTimeout != 3*time.Second || o.PowerOnTimeout != 250*time.Millisecond {
		t.Errorf("options %+v", o)
	}
	for _, bad := range []drivers.Options{{"scramble_seed": "123456789"}, {"scramble_seed": "xyz"}, {"frame_timeout": "soon"}, {"colour": "blue"}} {
		if _, err := uru4000.OptionsFromConfig(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestNegativeOptionsAreRefused(t *testing.T) {
	e := newEmu(t, emu.Options{})
	for _, o := range []uru4000.Options{{FrameTimeout: -1}, {InitAttempts: -2}} {
		if _, err := uru4000.Open(testContext(t), e, &o); err == nil || !strings.Contains(err.Error(), "negative") {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
}

func TestOpenRefusesOtherDevices(t *testing.T) {
	_, err := uru4000.Open(testContext(t), otherDevice{}, nil)
	if !errors.Is(err, uru4000.ErrUnsupported) || !strings.Contains(err.Error(), "1234:5678") {
		t.Fatalf("err = %v, want ErrUnsupported naming the device", err)
	}
}

// otherDevice is a transport for a device the driver does not handle.
type otherDevice struct{ usb.Transport }

func (otherDevice) Descriptor() usb.DeviceDesc {
	return usb.DeviceDesc{ID: usb.ID{Vendor: 0x1234, Product: 0x5678}, Bus: 1, Address: 9}
}

func TestOpenThroughTheRegistry(t *testing.T) {
	drv, ok := drivers.Default.MatchUSB(uru4000.ID4000B)
	if !ok || drv.Name != uru4000.DriverName || drv.Kind != capture.KindFinger {
		t.Fatalf("05ba:0008 matched %+v, %v", drv, ok)
	}
	e := newEmu(t, emu.Options{Product: 0x0008})
	dev, err := drv.OpenUSB(testContext(t), e, drivers.Options{"scramble_seed": "00c0ffee"})
	if err != nil {
		t.Fatal(err)
	}
	scanner, ok := dev.(capture.FingerScanner)
	if !ok {
		t.Fatalf("%T is not a finger scanner", dev)
	}
	img := testFinger(71)
	e.Present(img)
	got, err := scanner.CaptureFinger(testContext(t), func(step string) {
		if step == "lift the finger" {
			e.Lift()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	compareImages(t, got.Pix, img, emu.DefaultLayout, true)
	if !slicesHasPrefix(e.Transcript(), "write 33 00eeffc000") {
		t.Error("the configured seed was not used")
	}
	if _, err := drv.OpenUSB(testContext(t), e, drivers.Options{"bogus": "1"}); err == nil {
		t.Error("unknown option accepted")
	}
}

// slicesHasPrefix reports whether some line of lines starts with p.
func slicesHasPrefix(lines []string, p string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}
