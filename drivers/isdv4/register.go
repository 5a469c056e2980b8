package isdv4

import (
	"context"
	"fmt"
	"strconv"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/serial"
)

func init() {
	drivers.Register(drivers.Driver{
		Name:       "isdv4",
		Kind:       capture.KindSignature,
		OpenSerial: openSerial,
	})
}

// OwnedDev is a Dev that also owns its port: Halt stops the sensor and closes the port.
// The registry returns it, since it opens the port itself.
type OwnedDev struct {
	*Dev
	port serial.Device
}

// Halt stops the sensor and closes the port; safe to call twice.
func (d *OwnedDev) Halt() error {
	err := d.Dev.Halt()
	if cerr := d.port.Close(); err == nil {
		err = cerr
	}
	return err
}

// openSerial opens path and probes the sensor. Options: "baud" (try only this rate).
func openSerial(ctx context.Context, path string, opts drivers.Options) (capture.Device, error) {
	var o Options
	if s, ok := opts["baud"]; ok {
		b, err := strconv.Atoi(s)
		if err != nil || b <= 0 {
			return nil, fmt.Errorf("isdv4: option baud=%q is not a baud rate", s)
		}
		o.BaudRates = []int{b}
	}
	port, err := serial.Open(path, nil)
	if err != nil {
		return nil, fmt.Errorf("isdv4: %w", err)
	}
	d, err := New(ctx, port, &o)
	if err != nil {
		port.Close()
		return nil, err
	}
	return &OwnedDev{Dev: d, port: port}, nil
}
