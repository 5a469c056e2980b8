package ptp

import (
	"context"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"
)

// EmulatorID is the USB id package emu presents (a pid.codes test product id).
var EmulatorID = usb.ID{Vendor: 0x1209, Product: 0x0002}

func init() {
	drivers.Register(drivers.Driver{
		Name: "ptp",
		Kind: capture.KindCamera,
		// PTP cameras are recognised by their interface class (6/1/1), which the
		// registry does not match on: a real camera is named by VID:PID in the
		// configuration and opened with this driver. The emulator's id is listed.
		USB:     []usb.ID{EmulatorID},
		OpenUSB: openUSB,
	})
}

// openUSB probes a camera. Options: "timeout" (per transfer, e.g. "5s"), "keep"
// ("true" leaves photos on the card).
func openUSB(ctx context.Context, t usb.Transport, opts drivers.Options) (capture.Device, error) {
	var o Options
	if s, ok := opts["timeout"]; ok {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("ptp: option timeout=%q is not a duration", s)
		}
		o.Timeout = d
	}
	o.KeepOnCard = opts["keep"] == "true"
	return New(ctx, t, &o)
}
