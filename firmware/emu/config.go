package emu

import (
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware/dfu"
)

// Config describes the emulated device. Zero fields take the defaults of DefaultConfig.
type Config struct {
	Runtime      usb.ID
	DFU          usb.ID
	Serial       string
	Version      uint16 // bcdDevice of the installed firmware
	TransferSize uint16
	PollTimeout  time.Duration
	// ManifestationTolerant devices return to dfuIDLE after manifestation; others wait
	// for a reset.
	ManifestationTolerant bool
	CanUpload             bool
	WillDetach            bool
	Capacity              int // largest firmware the flash holds
}

// DefaultConfig is a plausible scanner: 2 KiB blocks, 5 ms poll timeout, tolerant,
// read-back capable.
func DefaultConfig() Config {
	return Config{
		Runtime:               usb.ID{Vendor: 0x1209, Product: 0xe101},
		DFU:                   usb.ID{Vendor: 0x1209, Product: 0xe1df},
		Serial:                "EMU0001",
		Version:               0x0100,
		TransferSize:          2048,
		PollTimeout:           5 * time.Millisecond,
		ManifestationTolerant: true,
		CanUpload:             true,
		Capacity:              1 << 20,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Runtime == (usb.ID{}) {
		c.Runtime = d.Runtime
	}
	if c.DFU == (usb.ID{}) {
		c.DFU = d.DFU
	}
	if c.TransferSize == 0 {
		c.TransferSize = d.TransferSize
	}
	if c.Capacity == 0 {
		c.Capacity = d.Capacity
	}
	return c
}

func (c Config) functional() dfu.Functional {
	attr := uint8(dfu.AttrCanDownload)
	if c.CanUpload {
		attr |= dfu.AttrCanUpload
	}
	if c.ManifestationTolerant {
		attr |= dfu.AttrManifestationTolerant
	}
	if c.WillDetach {
		attr |= dfu.AttrWillDetach
	}
	return dfu.Functional{Attributes: attr, DetachTimeout: 500, TransferSize: c.TransferSize, BcdDFU: 0x0110}
}
