// Package dfu is a USB Device Firmware Upgrade 1.1 host over the drivers/usb transport.
//
// A DFU-capable device has two personalities. In run-time mode it does its normal job
// and carries a DFU interface (class 0xFE, subclass 0x01, protocol 1) through which the
// host asks it to DETACH. After a USB reset it re-enumerates in DFU mode (protocol 2),
// often with another product id, and accepts the new firmware in blocks of at most
// wTransferSize bytes: each DNLOAD is followed by GETSTATUS calls, spaced by the
// bwPollTimeout the device asks for, until the device is idle again. A zero-length
// DNLOAD ends the download; the device then manifests (writes and checks) the firmware
// and either returns to dfuIDLE (manifestation-tolerant devices) or waits for a reset.
// A bad request stalls and leaves the device in dfuERROR, cleared with CLRSTATUS.
//
// The DFU functional descriptor (type 0x21) tells the host what the device can do:
// download, upload (read-back), manifestation tolerance, detach on its own, the detach
// timeout and the transfer size.
package dfu
