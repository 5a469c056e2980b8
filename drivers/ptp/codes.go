package ptp

import "fmt"

// ContainerType is a container's kind.
type ContainerType uint16

// Container types.
const (
	TypeCommand  ContainerType = 1
	TypeData     ContainerType = 2
	TypeResponse ContainerType = 3
	TypeEvent    ContainerType = 4
)

// OpCode is an operation code.
type OpCode uint16

// Standard operations, and the Canon EOS ones the live view uses.
const (
	OpGetDeviceInfo          OpCode = 0x1001
	OpOpenSession            OpCode = 0x1002
	OpCloseSession           OpCode = 0x1003
	OpGetStorageIDs          OpCode = 0x1004
	OpGetObjectHandles       OpCode = 0x1007
	OpGetObjectInfo          OpCode = 0x1008
	OpGetObject              OpCode = 0x1009
	OpDeleteObject           OpCode = 0x100B
	OpInitiateCapture        OpCode = 0x100E
	OpGetDevicePropValue     OpCode = 0x1015
	OpSetDevicePropValue     OpCode = 0x1016
	OpGetPartialObject       OpCode = 0x101B
	OpCanonSetPropValueEx    OpCode = 0x9110
	OpCanonSetRemoteMode     OpCode = 0x9114
	OpCanonSetEventMode      OpCode = 0x9115
	OpCanonGetViewFinderData OpCode = 0x9153
)

// RespCode is a response code.
type RespCode uint16

// Response codes.
const (
	RespOK                    RespCode = 0x2001
	RespGeneralError          RespCode = 0x2002
	RespSessionNotOpen        RespCode = 0x2003
	RespInvalidTransactionID  RespCode = 0x2004
	RespOperationNotSupported RespCode = 0x2005
	RespParameterNotSupported RespCode = 0x2006
	RespInvalidObjectHandle   RespCode = 0x2009
	RespDeviceBusy            RespCode = 0x2019
	RespInvalidParameter      RespCode = 0x201D
	RespSessionAlreadyOpen    RespCode = 0x201E
	RespTransactionCancelled  RespCode = 0x201F
	RespCanonNotReady         RespCode = 0xA102
)

// EventCode is an event code.
type EventCode uint16

// Events.
const (
	EventObjectAdded       EventCode = 0x4002
	EventDevicePropChanged EventCode = 0x4006
	EventCaptureComplete   EventCode = 0x400D
)

// Formats and properties.
const (
	FormatEXIFJPEG     uint16 = 0x3801
	PropCanonEVFOutput uint32 = 0xD1B0
	CanonEVFOutputPC   uint32 = 2
	CanonEVFOutputOff  uint32 = 0
	VendorCanon        uint32 = 11
	canonEVFBlockJPEG  uint32 = 1
	canonEVFBlockJPEG2 uint32 = 0x11
)

// Class requests on endpoint 0 (bRequest).
const (
	ReqCancel          uint8  = 0x64
	ReqGetExtEventData uint8  = 0x65
	ReqDeviceReset     uint8  = 0x66
	ReqGetDeviceStatus uint8  = 0x67
	cancelCode         uint16 = 0x4001
)

var opNames = map[OpCode]string{
	OpGetDeviceInfo: "GetDeviceInfo", OpOpenSession: "OpenSession", OpCloseSession: "CloseSession",
	OpGetStorageIDs: "GetStorageIDs", OpGetObjectHandles: "GetObjectHandles", OpGetObjectInfo: "GetObjectInfo",
	OpGetObject: "GetObject", OpDeleteObject: "DeleteObject", OpInitiateCapture: "InitiateCapture",
	OpGetDevicePropValue: "GetDevicePropValue", OpSetDevicePropValue: "SetDevicePropValue",
	OpGetPartialObject: "GetPartialObject", OpCanonSetPropValueEx: "EOS SetDevicePropValueEx",
	OpCanonSetRemoteMode: "EOS SetRemoteMode", OpCanonSetEventMode: "EOS SetEventMode",
	OpCanonGetViewFinderData: "EOS GetViewFinderData",
}

// String names the operation ("GetObject").
func (c OpCode) String() string {
	if n, ok := opNames[c]; ok {
		return n
	}
	return fmt.Sprintf("operation %#04x", uint16(c))
}

var respNames = map[RespCode]string{
	RespOK: "OK", RespGeneralError: "GeneralError", RespSessionNotOpen: "SessionNotOpen",
	RespInvalidTransactionID: "InvalidTransactionID", RespOperationNotSupported: "OperationNotSupported",
	RespParameterNotSupported: "ParameterNotSupported", RespInvalidObjectHandle: "InvalidObjectHandle",
	RespDeviceBusy: "DeviceBusy", RespInvalidParameter: "InvalidParameter",
	RespSessionAlreadyOpen: "SessionAlreadyOpen", RespTransactionCancelled: "TransactionCancelled",
	RespCanonNotReady: "EOS NotReady",
}

// String names the response ("DeviceBusy").
func (c RespCode) String() string {
	if n, ok := respNames[c]; ok {
		return n
	}
	return fmt.Sprintf("response %#04x", uint16(c))
}

// String names the event ("ObjectAdded").
func (c EventCode) String() string {
	switch c {
	case EventObjectAdded:
		return "ObjectAdded"
	case EventDevicePropChanged:
		return "DevicePropChanged"
	case EventCaptureComplete:
		return "CaptureComplete"
	}
	return fmt.Sprintf("event %#04x", uint16(c))
}
