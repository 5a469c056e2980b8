package uru4000

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"
)

func init() {
	drivers.Register(drivers.Driver{
		Name: DriverName,
		Kind: capture.KindFinger,
		USB:  IDs,
		OpenUSB: func(ctx context.Context, t usb.Transport, opts drivers.Options) (capture.Device, error) {
			o, err := OptionsFromConfig(opts)
			if err != nil {
				return nil, err
			}
			o.Registerer = drivers.RegistererFrom(ctx) // the daemon's registry, if any
			d, err := Open(ctx, t, &o)
			if err != nil {
				return nil, err
			}
			return d, nil
		},
	})
}

// Configuration keys understood by OptionsFromConfig.
const (
	// ConfigScrambleSeed fixes the key-exchange seed: 8 hex digits, as recorded.
	ConfigScrambleSeed = "scramble_seed"
	// ConfigFrameTimeout bounds each frame read (a Go duration such as "2s").
	ConfigFrameTimeout = "frame_timeout"
	// ConfigPowerOnTimeout bounds the wait for the power-on interrupt.
	ConfigPowerOnTimeout = "power_on_timeout"
)

// OptionsFromConfig builds Options from driver configuration strings. Unknown keys
// are an error, so that a typo in a config file does not go unnoticed.
func OptionsFromConfig(cfg drivers.Options) (Options, error) {
	var o Options
	for k, v := range cfg {
		var err error
		switch k {
		case ConfigScrambleSeed:
			var seed uint32
			seed, err = ParseSeed(v)
			o.SeedSource = FixedSeed(seed)
		case ConfigFrameTimeout:
			o.FrameTimeout, err = time.ParseDuration(v)
		case ConfigPowerOnTimeout:
			o.PowerOnTimeout, err = time.ParseDuration(v)
		default:
			err = fmt.Errorf("unknown option")
		}
		if err != nil {
			return o, fmt.Errorf("uru4000: option %s=%q: %w", k, v, err)
		}
	}
	return o, nil
}

// ParseSeed parses a scramble seed written as up to 8 hex digits ("1234abcd").
func ParseSeed(s string) (uint32, error) {
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("uru4000: scramble seed %q is not up to 8 hex digits", s)
	}
	return uint32(v), nil
}
