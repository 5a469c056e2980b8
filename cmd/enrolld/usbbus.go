package main

import "github.com/enrolld/enrolld/drivers/usb"

// openUSBBus returns the bus real USB devices are found on. This build has none: the
// libusb adapter (drivers/usb/libusb) needs cgo. When it is wired in, a cgo-tagged
// file returns it here and this one gets the !cgo tag; until then only emulated,
// serial and SDK devices open, and USB devices are reported as failed with that reason.
func openUSBBus() (usb.Bus, func() error, error) {
	return nil, func() error { return nil }, nil
}
