package uru4000

import "errors"

// Sentinel errors; the driver wraps them with the device and the step that failed.
var (
	// ErrUnsupported means the transport's device is not a reader this driver knows.
	ErrUnsupported = errors.New("uru4000: unsupported device")
	// ErrNoPowerOn means the reader never sent its power-on interrupt.
	ErrNoPowerOn = errors.New("uru4000: no power-on interrupt")
	// ErrPowerReboot means a power reboot did not finish.
	ErrPowerReboot = errors.New("uru4000: power reboot did not finish")
	// ErrShortFrame means a frame ended before the lines its header announces.
	ErrShortFrame = errors.New("uru4000: short frame")
	// ErrBadFrame means a frame's header is impossible.
	ErrBadFrame = errors.New("uru4000: bad frame")
	// ErrScanFailed means the reader announced (event 0x0800) that the scan failed.
	ErrScanFailed = errors.New("uru4000: scan failed")
	// ErrCaptureFailed means no good frame arrived within the allowed attempts.
	ErrCaptureFailed = errors.New("uru4000: capture failed")
	// ErrShortTransfer means a register transfer moved fewer bytes than asked.
	ErrShortTransfer = errors.New("uru4000: short register transfer")
)
