// Package loopdev is a small vendor-specific USB device, emulated in process, and
// its driver: the proof that enrolld's whole USB path works, from a driver over
// usb.Transport, through Record, Playback and a usbmon capture, to the real
// gousb/libusb code under umockdev.
//
// # The device
//
// A full-speed device 1209:0001 (the pid.codes test id) with one vendor-specific
// interface (class ff) and three endpoints besides endpoint 0:
//
//   - Endpoint 0 takes two vendor requests addressed to the device. GET_REGISTER
//     (bmRequestType 0xc0: IN, vendor, device; bRequest 0x01; wValue = register;
//     wLength = 2) answers a register's 16-bit value, little-endian.
//     SET_REGISTER (0x40, 0x02, wValue = register, two data bytes) writes one.
//     A register that does not exist, or a read-only one written, answers STALL,
//     as real devices reject requests they do not support.
//   - Bulk OUT 0x01 takes a packet to echo (up to 64 bytes).
//   - Bulk IN 0x81 returns the echoed packet, transformed by the MODE register.
//   - Interrupt IN 0x82 (8 bytes, every 4 ms) tells the host that an echo is
//     ready: event 0x01, the sequence number, the length (little-endian).
//
// This is the shape of most vendor devices, the fingerprint scanners among them:
// registers over control transfers, a bulk pipe for data, an interrupt pipe for
// events the host must not poll for.
package loopdev

import "github.com/enrolld/enrolld/drivers/usb"

// ID is the device's vendor and product id.
var ID = usb.ID{Vendor: 0x1209, Product: 0x0001}

// Vendor requests.
const (
	ReqGetRegister = 0x01
	ReqSetRegister = 0x02
)

// Registers.
const (
	RegVersion = 0x00 // firmware version, BCD, read-only
	RegMode    = 0x01 // how echoes are transformed: ModeEcho, ModeInvert, ModeReverse
	RegCount   = 0x02 // number of packets echoed since power-up, read-only
	RegScratch = 0x03 // free for the host
	numRegs    = 4
)

// Modes of RegMode.
const (
	ModeEcho    = 0 // echo as sent
	ModeInvert  = 1 // every byte XOR 0xff
	ModeReverse = 2 // bytes in reverse order
)

// Endpoints.
const (
	EndpointOut    = 0x01
	EndpointIn     = 0x81
	EndpointEvents = 0x82
)

// Packet sizes.
const (
	MaxPacket   = 64
	EventSize   = 8
	EventEchoed = 0x01
)

// Version is the firmware version the emulator reports (1.02).
const Version = 0x0102

// Descriptor returns the device's descriptor as it enumerates.
func Descriptor() usb.DeviceDesc {
	return usb.DeviceDesc{
		Bus: 1, Address: 5, Port: "1-3",
		ID: ID, BcdDevice: Version, BcdUSB: 0x0200, MaxPacket0: 64,
		Manufacturer: "enrolld", Product: "Loopback test device", Serial: "LB0001",
		Configs: []usb.ConfigDesc{{Value: 1, Interfaces: []usb.InterfaceDesc{{
			Number: 0, Class: 0xff,
			Endpoints: []usb.EndpointDesc{
				{Address: EndpointOut, Attributes: 2, MaxPacketSize: MaxPacket},
				{Address: EndpointIn, Attributes: 2, MaxPacketSize: MaxPacket},
				{Address: EndpointEvents, Attributes: 3, MaxPacketSize: EventSize, Interval: 4},
			},
		}}}},
	}
}
