package firmware

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/enrolld/enrolld/drivers/usb"
)

// ProtocolDFU11 is the only update protocol this package speaks: USB DFU 1.1.
const ProtocolDFU11 = "org.usb.dfu-1.1"

// DeviceMatch names a device a bundle fits: its ids at run time and in DFU mode (the
// product id often changes on detach).
type DeviceMatch struct {
	Runtime usb.ID `json:"runtime"` // vendor:product in normal operation
	DFU     usb.ID `json:"dfu"`     // vendor:product after detaching into DFU mode
}

// Manifest is the signed description of a firmware payload.
type Manifest struct {
	// Name is a human name for the firmware ("U.are.U 4500 sensor firmware").
	Name string `json:"name"`
	// Devices lists the devices the payload fits.
	Devices []DeviceMatch `json:"devices"`
	// Protocol is the update protocol (ProtocolDFU11).
	Protocol string `json:"protocol"`
	// Version is the version the device reports after the update.
	Version Version `json:"version"`
	// LowestAllowed is the lowest version the device may ever run after this update.
	LowestAllowed Version `json:"lowest_allowed"`
	// PayloadSize is the payload's length in bytes.
	PayloadSize int64 `json:"payload_size"`
	// PayloadSHA256 is the payload's SHA-256, lower-case hex.
	PayloadSHA256 string `json:"payload_sha256"`
	// ReleaseNotes tell the technician what changed.
	ReleaseNotes string `json:"release_notes,omitempty"`
}

// Canonical returns the manifest's canonical encoding, the bytes the signature covers:
// compact JSON with the fields in declaration order and ids as "vvvv:pppp".
func (m *Manifest) Canonical() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("firmware: encoding manifest: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Validate checks the manifest is complete and self-consistent.
func (m *Manifest) Validate() error {
	switch {
	case len(m.Devices) == 0:
		return fmt.Errorf("%w: manifest names no devices", ErrMalformed)
	case m.Protocol == "":
		return fmt.Errorf("%w: manifest names no protocol", ErrMalformed)
	case m.LowestAllowed > m.Version:
		return fmt.Errorf("%w: lowest allowed version %s is above the version %s", ErrMalformed, m.LowestAllowed, m.Version)
	case m.PayloadSize <= 0:
		return fmt.Errorf("%w: payload size %d", ErrMalformed, m.PayloadSize)
	}
	if b, err := hex.DecodeString(m.PayloadSHA256); err != nil || len(b) != 32 {
		return fmt.Errorf("%w: payload_sha256 %q is not 64 hex digits", ErrMalformed, m.PayloadSHA256)
	}
	return nil
}

// Fits reports whether the manifest names a device with id (in run-time or DFU mode) and
// returns the match.
func (m *Manifest) Fits(id usb.ID) (DeviceMatch, bool) {
	for _, d := range m.Devices {
		if d.Runtime == id || d.DFU == id {
			return d, true
		}
	}
	return DeviceMatch{}, false
}
