//go:build cgo

package libusb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/gousb"

	"github.com/enrolld/enrolld/drivers/usb"
)

func TestErrorMapping(t *testing.T) {
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	stopped, stop := context.WithCancel(context.Background())
	stop()
	bg := context.Background()
	tests := []struct {
		ctx  context.Context
		err  error
		want error
	}{
		{bg, gousb.ErrorTimeout, usb.ErrTimeout},
		{bg, gousb.TransferTimedOut, usb.ErrTimeout},
		{bg, gousb.ErrorPipe, usb.ErrStall},
		{bg, gousb.TransferStall, usb.ErrStall},
		{bg, gousb.ErrorNoDevice, usb.ErrNoDevice},
		{bg, gousb.TransferNoDevice, usb.ErrNoDevice},
		{bg, gousb.ErrorOverflow, usb.ErrOverflow},
		{bg, gousb.TransferOverflow, usb.ErrOverflow},
		{stopped, gousb.TransferCancelled, usb.ErrCancelled},
		{expired, gousb.TransferCancelled, usb.ErrTimeout},
		{bg, fmt.Errorf("claim: %w", gousb.ErrorNoDevice), usb.ErrNoDevice},
		{bg, gousb.ErrorAccess, nil},
	}
	d := usb.DeviceDesc{Bus: 1, Address: 4, ID: usb.ID{Vendor: 0x05ba, Product: 0x000a}}
	for _, tc := range tests {
		err := wrap(tc.ctx, d, "read 82", tc.err)
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%v: got %v, want %v", tc.err, err, tc.want)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%v: the original error is lost in %v", tc.err, err)
		}
		if !strings.HasPrefix(err.Error(), "libusb: 05ba:000a at 1/4: read 82: ") {
			t.Errorf("message %q does not name the device and operation", err)
		}
	}
	if wrap(bg, d, "x", nil) != nil {
		t.Error("wrap(nil) != nil")
	}
}

func TestOpenMissingDevice(t *testing.T) {
	b, err := Open(nil)
	if err != nil {
		t.Skipf("libusb cannot initialise here: %v", err)
	}
	defer b.Close()
	_, err = b.Open(context.Background(), usb.DeviceDesc{Bus: 99, Address: 99})
	if !errors.Is(err, usb.ErrNoDevice) {
		t.Errorf("open of an absent device: %v, want ErrNoDevice", err)
	}
}

func TestNewContextPanicBecomesError(t *testing.T) {
	_, err := newContext(func() *gousb.Context { panic(gousb.ErrorAccess) })
	if !errors.Is(err, ErrInit) || !strings.Contains(err.Error(), "bad access") {
		t.Errorf("err = %v, want ErrInit naming libusb's error", err)
	}
}
