// Package usb is the transfer-level USB interface every USB driver in enrolld speaks.
//
// A USB device is addressed by its bus and address and identified by its vendor and
// product ids. It exposes endpoint 0 for control transfers (the setup packet's
// bmRequestType, bRequest, wValue and wIndex, plus an optional data stage) and numbered
// endpoints for bulk and interrupt transfers; an endpoint address with bit 7 set (0x81)
// is an IN endpoint (device to host), without it (0x02) an OUT endpoint.
//
// Drivers take a [Transport] and never a concrete library type, so the same driver runs
// against real hardware (package libusb, the only cgo package), against an in-process
// emulator, and against recorded transcripts (package usbtest). Drivers do not own or
// close the transport they are given.
//
// Errors callers branch on are the sentinels below; implementations wrap them with %w.
package usb

import (
	"context"
	"errors"
	"fmt"
)

// Sentinel errors returned (wrapped) by every Transport implementation.
var (
	// ErrTimeout means the transfer did not complete before its deadline.
	ErrTimeout = errors.New("usb: timeout")
	// ErrStall means the device answered with a STALL handshake (endpoint halted or
	// request not supported).
	ErrStall = errors.New("usb: stall")
	// ErrNoDevice means the device has gone (unplugged, reset or powered off).
	ErrNoDevice = errors.New("usb: no device")
	// ErrOverflow means the device sent more data than the buffer could take.
	ErrOverflow = errors.New("usb: overflow")
	// ErrCancelled means the caller's context was cancelled during the transfer.
	ErrCancelled = errors.New("usb: cancelled")
)

// Control request type bits (bmRequestType).
const (
	DirOut       uint8 = 0x00 // host to device
	DirIn        uint8 = 0x80 // device to host
	TypeStandard uint8 = 0x00
	TypeClass    uint8 = 0x20
	TypeVendor   uint8 = 0x40
	RecipDevice  uint8 = 0x00
	RecipIface   uint8 = 0x01
	RecipEndpt   uint8 = 0x02
)

// ID is a USB vendor and product id pair.
type ID struct {
	Vendor  uint16
	Product uint16
}

// String formats the id as "vvvv:pppp" in lower-case hex, as lsusb does.
func (id ID) String() string { return fmt.Sprintf("%04x:%04x", id.Vendor, id.Product) }

// ParseID parses "vvvv:pppp" (hex).
func ParseID(s string) (ID, error) {
	var v, p uint16
	if _, err := fmt.Sscanf(s, "%04x:%04x", &v, &p); err != nil || len(s) != 9 {
		return ID{}, fmt.Errorf("usb: %q is not a VID:PID pair like 05ba:000a", s)
	}
	return ID{Vendor: v, Product: p}, nil
}

// EndpointDesc describes one endpoint of an interface setting.
type EndpointDesc struct {
	Address       uint8 // with direction bit 0x80 for IN
	Attributes    uint8 // transfer type in bits 0-1: 0 control, 1 iso, 2 bulk, 3 interrupt
	MaxPacketSize uint16
	Interval      uint8
}

// InterfaceDesc describes one alternate setting of an interface.
type InterfaceDesc struct {
	Number    uint8
	Alternate uint8
	Class     uint8
	SubClass  uint8
	Protocol  uint8
	Endpoints []EndpointDesc
	// Extra holds class-specific descriptors that follow the interface descriptor
	// (for example the DFU functional descriptor), raw.
	Extra []byte
}

// ConfigDesc describes one configuration.
type ConfigDesc struct {
	Value      uint8
	Interfaces []InterfaceDesc
}

// DeviceDesc is what enumeration tells about a device without opening it.
type DeviceDesc struct {
	Bus          int
	Address      int
	Port         string // physical path, for stable naming ("1-2.3"); may be empty
	ID           ID
	BcdDevice    uint16 // device release number (firmware version on many devices)
	BcdUSB       uint16
	Class        uint8
	SubClass     uint8
	Protocol     uint8
	MaxPacket0   uint8
	Manufacturer string
	Product      string
	Serial       string
	Configs      []ConfigDesc
}

// String names the device for logs and errors: "05ba:000a at 1/4".
func (d DeviceDesc) String() string {
	return fmt.Sprintf("%s at %d/%d", d.ID, d.Bus, d.Address)
}

// Transport is an opened USB device at the transfer level. All methods are safe for
// use by one goroutine per endpoint at a time (a control transfer may run while a
// bulk read is pending, as real drivers need).
type Transport interface {
	// Control performs a control transfer on endpoint 0. For IN requests (rType&0x80)
	// data is filled and the number of bytes received returned; for OUT requests data
	// is sent.
	Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error)
	// Read performs one bulk or interrupt IN transfer on endpoint ep (0x81, 0x82, …)
	// into buf and returns the number of bytes received. A transfer ends with a short
	// packet or when buf is full.
	Read(ctx context.Context, ep uint8, buf []byte) (int, error)
	// Write performs one bulk or interrupt OUT transfer on endpoint ep. A zero-length
	// data slice sends a zero-length packet.
	Write(ctx context.Context, ep uint8, data []byte) (int, error)
	// Descriptor returns the device's descriptor as read when it was opened.
	Descriptor() DeviceDesc
}

// Device is a Transport that its opener owns and must close.
type Device interface {
	Transport
	// Close releases the device; pending transfers fail with ErrNoDevice.
	Close() error
}

// Resetter is implemented by transports that can issue a USB port reset (DFU needs it).
// After a reset the device may re-enumerate with another product id; the transport is
// then dead and the caller must enumerate and open again.
type Resetter interface {
	Reset(ctx context.Context) error
}

// Bus enumerates and opens devices.
type Bus interface {
	// Devices lists the devices present now.
	Devices(ctx context.Context) ([]DeviceDesc, error)
	// Open opens the device described by d (matched by bus and address).
	Open(ctx context.Context, d DeviceDesc) (Device, error)
}

// Event reports a device arriving or leaving.
type Event struct {
	Arrived bool
	Device  DeviceDesc
}

// MarshalText writes the id as "vvvv:pppp", so ids read naturally in JSON and YAML.
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText parses "vvvv:pppp".
func (id *ID) UnmarshalText(b []byte) error {
	p, err := ParseID(string(b))
	*id = p
	return err
}
