package emu

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/usb"
)

func init() {
	drivers.RegisterEmulator(drivers.Emulator{
		Driver: uru4000.DriverName,
		USB: func(ctx context.Context, opts drivers.Options) (usb.Device, error) {
			o, err := OptionsFromConfig(opts)
			if err != nil {
				return nil, err
			}
			return New(o)
		},
	})
}

// OptionsFromConfig builds emulator Options from configuration strings. Demo mode is
// on unless "demo" says otherwise: a registered emulator is there to be shown.
// Keys: demo (bool), demo_delay and demo_hold (durations), demo_seed (decimal),
// product (4 hex digits), secret (hex), plain (bool).
func OptionsFromConfig(cfg drivers.Options) (Options, error) {
	o := Options{Demo: true}
	for k, v := range cfg {
		var err error
		switch k {
		case "demo":
			o.Demo, err = strconv.ParseBool(v)
		case "plain":
			o.Plain, err = strconv.ParseBool(v)
		case "demo_delay":
			o.DemoDelay, err = time.ParseDuration(v)
		case "demo_hold":
			o.DemoHold, err = time.ParseDuration(v)
		case "demo_seed":
			o.DemoSeed, err = strconv.ParseUint(v, 10, 64)
		case "secret":
			o.Secret, err = strconv.ParseUint(v, 16, 64)
		case "product":
			var p uint64
			p, err = strconv.ParseUint(v, 16, 16)
			o.Product = uint16(p)
		default:
			err = fmt.Errorf("unknown option")
		}
		if err != nil {
			return o, fmt.Errorf("emu: option %s=%q: %w", k, v, err)
		}
	}
	return o, nil
}
