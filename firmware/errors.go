package firmware

import "errors"

// Errors Check and the parsers return (wrapped); each refusal happens before any transfer.
var (
	ErrMalformed    = errors.New("firmware: malformed bundle")
	ErrBadSignature = errors.New("firmware: signature does not verify")
	ErrUnknownKey   = errors.New("firmware: signed by a key that is not trusted")
	ErrHashMismatch = errors.New("firmware: payload hash does not match the manifest")
	ErrSizeMismatch = errors.New("firmware: payload size does not match the manifest")
	ErrWrongDevice  = errors.New("firmware: bundle does not fit this device")
	ErrProtocol     = errors.New("firmware: update protocol not supported")
	ErrNotNewer     = errors.New("firmware: version is not newer than the installed one")
	ErrRollback     = errors.New("firmware: version is below the device's lowest allowed version")
	ErrDeviceBusy   = errors.New("firmware: device is busy capturing")
	ErrUnsigned     = errors.New("firmware: unsigned DFU files are not allowed by the configuration")
	ErrBadSuffix    = errors.New("firmware: bad DFU file suffix")
	ErrBadCRC       = errors.New("firmware: DFU file CRC mismatch")
)
