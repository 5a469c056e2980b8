package uru4000

import (
	"encoding/binary"

	"github.com/enrolld/enrolld/drivers/usb"
)

// USB ids of the supported readers.
var (
	// ID4500 is the U.are.U 4500.
	ID4500 = usb.ID{Vendor: 0x05ba, Product: 0x000a}
	// ID4000B is the U.are.U 4000B.
	ID4000B = usb.ID{Vendor: 0x05ba, Product: 0x0008}
	// ID4000 is the U.are.U 4000.
	ID4000 = usb.ID{Vendor: 0x05ba, Product: 0x0007}
)

// IDs lists every reader the driver handles.
var IDs = []usb.ID{ID4500, ID4000B, ID4000}

// Endpoints.
const (
	// EndpointInterrupt is the interrupt IN endpoint carrying 64-byte event reports.
	EndpointInterrupt uint8 = 0x81
	// EndpointData is the bulk IN endpoint carrying image frames.
	EndpointData uint8 = 0x82
)

// Register access: vendor request RequestRegister on endpoint 0, wValue = register.
const (
	// RequestRegister is the vendor request that reads or writes registers.
	RequestRegister uint8 = 0x04
	// RequestTypeRead is bmRequestType of a register read (vendor, device to host).
	RequestTypeRead = usb.DirIn | usb.TypeVendor | usb.RecipDevice
	// RequestTypeWrite is bmRequestType of a register write (vendor, host to device).
	RequestTypeWrite = usb.DirOut | usb.TypeVendor | usb.RecipDevice
)

// Registers.
const (
	RegHWStat        uint16 = 0x07 // hardware status; bit 7 = low power
	RegScrambleIndex uint16 = 0x33 // write 5 bytes: key number, 32-bit host seed
	RegScrambleKey   uint16 = 0x34 // read 4 bytes: device key XOR host seed
	RegMode          uint16 = 0x4e // operating mode, one of the Mode constants
	RegDeviceInfo    uint16 = 0xf0 // 16 bytes of device information
)

// DeviceInfoSize is the length of the device info block at RegDeviceInfo.
const DeviceInfoSize = 16

// HWSTAT bits.
const (
	HWStatLowPower   byte = 0x80 // the sensor is powered down
	HWStatNeedReboot byte = 0x84 // both bits set: the power must be rebooted
	HWStatPowered    byte = 0x01 // set once a power reboot has finished
)

// Modes written to RegMode.
const (
	ModeInit           byte = 0x00
	ModeAwaitFingerOn  byte = 0x10
	ModeAwaitFingerOff byte = 0x12
	ModeCapture        byte = 0x20
	ModeCaptureAux     byte = 0x30
	ModeOff            byte = 0x70
	ModeReady          byte = 0x80
)

// Interrupt events: the first two bytes of a 64-byte report, big-endian.
const (
	EventPowerOn    uint16 = 0x56aa
	EventFingerOn   uint16 = 0x0101
	EventFingerOff  uint16 = 0x0200
	EventScanFailed uint16 = 0x0800 // the next scan will fail
)

// InterruptSize is the length of an interrupt report.
const InterruptSize = 64

// Image and frame geometry.
const (
	// Width is the number of pixels in a line.
	Width = 384
	// Height is the number of lines in an assembled image.
	Height = 290
	// HeaderSize is the length of a frame's header.
	HeaderSize = 64
	// MaxBlocks is the number of block descriptors in a frame header.
	MaxBlocks = 15
	// FrameBufferSize is the buffer a capture reads a frame into.
	FrameBufferSize = HeaderSize + Height*Width
	// DPI is the nominal resolution of the image.
	DPI = 500
)

// Block flags in a frame header.
const (
	BlockChangeKey   byte = 0x80 // bump the key number, exchange a new key, then decode the block
	BlockNoKeyUpdate byte = 0x04 // plain data; the key does not advance
	BlockScrambled   byte = 0x02 // the block is scrambled
	BlockNotPresent  byte = 0x01 // the block's lines are not in the data
)

// scrambledThreshold is the mean squared difference between the first two data lines
// above which a frame is taken to be scrambled.
const scrambledThreshold = 5000

// EncodeEvent fills an interrupt report for event ev.
func EncodeEvent(ev uint16) []byte {
	b := make([]byte, InterruptSize)
	binary.BigEndian.PutUint16(b, ev)
	return b
}
