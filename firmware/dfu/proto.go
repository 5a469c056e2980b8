package dfu

import (
	"errors"
	"fmt"
	"time"
)

// Class requests (bRequest), sent to the DFU interface.
const (
	ReqDetach    uint8 = 0
	ReqDnload    uint8 = 1
	ReqUpload    uint8 = 2
	ReqGetStatus uint8 = 3
	ReqClrStatus uint8 = 4
	ReqGetState  uint8 = 5
	ReqAbort     uint8 = 6
)

// Request types for class requests to an interface.
const (
	reqOut uint8 = 0x21 // host to device, class, interface
	reqIn  uint8 = 0xA1 // device to host, class, interface
)

// Interface class, subclass and protocols of DFU.
const (
	Class           uint8 = 0xFE
	SubClass        uint8 = 0x01
	ProtocolRuntime uint8 = 1
	ProtocolDFU     uint8 = 2
	// FunctionalType is the descriptor type of the DFU functional descriptor.
	FunctionalType uint8 = 0x21
)

// State is a DFU device state (bState).
type State uint8

// DFU states.
const (
	AppIdle State = iota
	AppDetach
	Idle
	DnloadSync
	DnBusy
	DnloadIdle
	ManifestSync
	Manifest
	ManifestWaitReset
	UploadIdle
	Error
)

var stateNames = [...]string{"appIDLE", "appDETACH", "dfuIDLE", "dfuDNLOAD-SYNC", "dfuDNBUSY",
	"dfuDNLOAD-IDLE", "dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE", "dfuERROR"}

// String names the state as the specification does.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// StatusCode is a DFU bStatus.
type StatusCode uint8

// Status codes.
const (
	OK StatusCode = iota
	ErrTarget
	ErrFile
	ErrWrite
	ErrErase
	ErrCheckErased
	ErrProg
	ErrVerify
	ErrAddress
	ErrNotDone
	ErrFirmware
	ErrVendor
	ErrUSBR
	ErrPOR
	ErrUnknown
	ErrStalledPkt
)

var statusNames = [...]string{"OK", "errTARGET", "errFILE", "errWRITE", "errERASE", "errCHECK_ERASED",
	"errPROG", "errVERIFY", "errADDRESS", "errNOTDONE", "errFIRMWARE", "errVENDOR", "errUSBR", "errPOR",
	"errUNKNOWN", "errSTALLEDPKT"}

// String names the status as the specification does.
func (c StatusCode) String() string {
	if int(c) < len(statusNames) {
		return statusNames[c]
	}
	return fmt.Sprintf("status(%d)", uint8(c))
}

// Status is the 6-byte GETSTATUS answer.
type Status struct {
	Code        StatusCode    // bStatus: OK or what went wrong
	PollTimeout time.Duration // bwPollTimeout: wait this long before the next GETSTATUS
	State       State         // bState: the state the device enters now
	IString     uint8         // iString: index of a status description string
}

// ParseStatus decodes a GETSTATUS answer.
func ParseStatus(b []byte) (Status, error) {
	if len(b) != 6 {
		return Status{}, fmt.Errorf("%w: GETSTATUS answer of %d bytes, want 6", ErrProtocol, len(b))
	}
	ms := uint32(b[1]) | uint32(b[2])<<8 | uint32(b[3])<<16
	return Status{Code: StatusCode(b[0]), PollTimeout: time.Duration(ms) * time.Millisecond, State: State(b[4]), IString: b[5]}, nil
}

// Encode writes the 6-byte GETSTATUS answer (used by emulators).
func (s Status) Encode() []byte {
	ms := uint32(s.PollTimeout / time.Millisecond)
	return []byte{byte(s.Code), byte(ms), byte(ms >> 8), byte(ms >> 16), byte(s.State), s.IString}
}

// Functional is the DFU functional descriptor.
type Functional struct {
	Attributes    uint8  // bmAttributes: the Attr* capability bits
	DetachTimeout uint16 // wDetachTimeOut, in ms
	TransferSize  uint16 // wTransferSize: largest DNLOAD/UPLOAD block
	BcdDFU        uint16 // bcdDFUVersion
}

// Attribute bits.
const (
	AttrCanDownload           = 1 << 0
	AttrCanUpload             = 1 << 1
	AttrManifestationTolerant = 1 << 2
	AttrWillDetach            = 1 << 3
)

// Has reports whether attribute bit a is set.
func (f Functional) Has(a uint8) bool { return f.Attributes&a != 0 }

// ParseFunctional decodes a functional descriptor (9 bytes, type 0x21). Some devices
// send a 7-byte DFU 1.0 form without bcdDFU; it is accepted as 1.0.
func ParseFunctional(b []byte) (Functional, error) {
	if len(b) < 7 || int(b[0]) > len(b) || b[0] < 7 || b[1] != FunctionalType {
		return Functional{}, fmt.Errorf("%w: not a DFU functional descriptor (% x)", ErrProtocol, b)
	}
	f := Functional{Attributes: b[2], DetachTimeout: le16(b[3:]), TransferSize: le16(b[5:]), BcdDFU: 0x0100}
	if b[0] >= 9 {
		f.BcdDFU = le16(b[7:])
	}
	if f.TransferSize == 0 {
		return Functional{}, fmt.Errorf("%w: wTransferSize is 0", ErrProtocol)
	}
	return f, nil
}

// Encode writes the 9-byte descriptor.
func (f Functional) Encode() []byte {
	return []byte{9, FunctionalType, f.Attributes, byte(f.DetachTimeout), byte(f.DetachTimeout >> 8),
		byte(f.TransferSize), byte(f.TransferSize >> 8), byte(f.BcdDFU), byte(f.BcdDFU >> 8)}
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

// Errors of this package.
var (
	// ErrProtocol means the device answered outside the DFU specification.
	ErrProtocol = errors.New("dfu: protocol error")
	// ErrNoInterface means the device has no DFU interface.
	ErrNoInterface = errors.New("dfu: device has no DFU interface")
	// ErrDevice means the device reported a DFU error status.
	ErrDevice = errors.New("dfu: device reported an error")
	// ErrCannotDownload means the device does not accept downloads.
	ErrCannotDownload = errors.New("dfu: device cannot download")
	// ErrCannotUpload means the device does not support read-back.
	ErrCannotUpload = errors.New("dfu: device cannot upload")
)

// DeviceError is a DFU error status the device reported, with the state it was in.
type DeviceError struct {
	Status Status // the GETSTATUS answer carrying the error
	During string // what the host was doing, e.g. "download"
}

// Error names the status code, the device state and the host's operation.
func (e *DeviceError) Error() string {
	return fmt.Sprintf("dfu: device reported %s in %s during %s", e.Status.Code, e.Status.State, e.During)
}

// Unwrap lets errors.Is(err, ErrDevice) work.
func (e *DeviceError) Unwrap() error { return ErrDevice }
