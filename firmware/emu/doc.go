// Package emu emulates a DFU 1.1 capable capture device at the USB transfer level, for
// tests and demos of firmware updates.
//
// The device has a run-time mode (its normal personality, with a DFU run-time interface)
// and a DFU mode entered by DETACH followed by a USB reset, with another product id. It
// reports its firmware version in bcdDevice. Downloads follow the DFU state machine:
// each block moves the device through dfuDNLOAD-SYNC and dfuDNBUSY (for the poll
// timeout it announced) back to dfuDNLOAD-IDLE; the zero-length block starts
// manifestation. Faults can be injected: errWRITE or errVERIFY at a given block, a stall,
// and power loss mid-download, after which the device comes back in DFU mode with no
// valid firmware, as real bootloaders do.
//
// An emulated firmware image starts with the magic "EMUFW", then its version as two
// BCD bytes (big-endian); Image builds one.
package emu
