package emu

import (
	"context"
	"fmt"
	"os"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"
)

func init() {
	drivers.RegisterEmulator(drivers.Emulator{Driver: "ptp", USB: startRegistered})
}

// startRegistered starts an emulated camera. Options: "liveview" ("off" for a camera
// without it), "image" (a JPEG file served instead of the synthetic scene).
func startRegistered(ctx context.Context, opts drivers.Options) (usb.Device, error) {
	o := Options{NoLiveView: opts["liveview"] == "off"}
	if path, ok := opts["image"]; ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("ptp/emu: option image: %w", err)
		}
		o.Image = b
	}
	return New(&o), nil
}
