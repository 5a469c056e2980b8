// Package libusb opens real USB devices for enrolld's drivers, through libusb 1.0
// and github.com/google/gousb. It is the only package of enrolld that uses cgo;
// built without cgo it still compiles, and Open returns ErrNoCgo.
//
// A Bus enumerates devices and opens them as usb.Device values: control
// transfers go to endpoint 0 of the device; the first read or write on another
// endpoint claims the interface that owns it (detaching a kernel driver if one is
// bound), so drivers never deal with configurations and interfaces. Every
// transfer takes a context: its deadline becomes the libusb timeout and its
// cancellation cancels the transfer. libusb's and gousb's errors come back
// wrapping usb.ErrTimeout, usb.ErrStall, usb.ErrNoDevice, usb.ErrOverflow or
// usb.ErrCancelled, so drivers branch on the usb sentinels only.
//
// Enumeration does not open devices: the descriptors come from libusb's cache and,
// on Linux, from sysfs (which also gives class-specific descriptors, exact
// polling intervals and the manufacturer, product and serial strings without
// talking to the device); where sysfs has no strings, Open asks the device for
// them. gousb has no hot-plug; use usb.Watch with a Bus to learn of arrivals and
// departures.
//
// Under umockdev (package usbtest writes the device description and capture) the
// same code runs against a replayed device; see usbtest.RunUnderUmockdev.
package libusb

import (
	"errors"
	"time"
)

// Sentinel errors of this package.
var (
	// ErrNoCgo is returned by Open in a binary built with CGO_ENABLED=0.
	ErrNoCgo = errors.New("libusb: built without cgo, cannot talk to USB devices")
	// ErrInit means libusb could not be initialised (no usbfs, no permission, …).
	ErrInit = errors.New("libusb: cannot initialise libusb")
	// ErrClosed means the bus or device was used after Close.
	ErrClosed = errors.New("libusb: closed")
)

// DefaultControlTimeout bounds a control transfer whose context has no deadline.
const DefaultControlTimeout = 5 * time.Second

// Options tune a Bus. The zero value is ready to use.
type Options struct {
	// ControlTimeout bounds control transfers whose context has no deadline
	// (libusb's synchronous control transfer cannot be cancelled, only timed
	// out); zero means DefaultControlTimeout.
	ControlTimeout time.Duration
	// SysfsRoot is where sysfs is mounted; empty means "/sys". Tests point it at
	// fixtures.
	SysfsRoot string
	// Debug is libusb's log level (0 none … 4 debug).
	Debug int
}

func (o *Options) controlTimeout() time.Duration {
	if o.ControlTimeout > 0 {
		return o.ControlTimeout
	}
	return DefaultControlTimeout
}

func (o *Options) sysfsRoot() string {
	if o.SysfsRoot != "" {
		return o.SysfsRoot
	}
	return "/sys"
}
