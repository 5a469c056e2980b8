// Package uru4000 drives the DigitalPersona U.are.U 4000, 4000B and 4500 optical
// fingerprint readers (USB 05ba:0007, 05ba:0008, 05ba:000a): the protocol libfprint
// calls "uru4000".
//
// # The device
//
// The reader is a full-speed USB device with one vendor interface and three endpoints:
// endpoint 0 for control transfers, interrupt IN 0x81 for 64-byte event reports and
// bulk IN 0x82 for image frames. The host drives it through a handful of one-byte
// registers, read and written with vendor request 0x04 (wValue = register):
//
//   - HWSTAT (0x07): bit 7 set means low power. Powering up means writing the value
//     with bit 7 set (power down), then with the high nibble cleared (power up), and
//     waiting up to 300 ms for the "power on" interrupt 0x56aa. A value with bits
//     0x84 set needs a power reboot first: write it with the high nibble cleared and
//     poll until bit 0 is set.
//   - MODE (0x4e): 0x10 await finger on, 0x12 await finger off, 0x20 capture,
//     0x70 off. The device reports 0x0101 on the interrupt endpoint when a finger
//     lands, 0x0200 when it leaves, and 0x0800 when the next scan is going to fail.
//   - Device info (0xf0, 16 bytes) carries the firmware versions.
//   - Scramble index (0x33) and scramble key (0x34): the key exchange below.
//
// # Frames and scrambling
//
// In capture mode the device answers each bulk read with one frame: a 64-byte header
// and lines of 384 pixels. The header gives the number of lines in the frame, a key
// number and up to 15 blocks of {flags, lines}. A block can be "not present" (its
// lines are not in the data; the image repeats the next line in their place),
// scrambled, plain, or carry a "change key" flag. Newer firmware scrambles the data
// with a 32-bit linear feedback shift register: the host writes the key number and a
// random 32-bit seed to register 0x33 and reads register 0x34, which holds the
// device's key for that number XOR the seed. Each scrambled block is shifted by one
// byte and XORed with a byte taken from eight bits of the register; the device drops
// the block's last byte, so the descrambled block ends in a zero. Whether a frame is
// scrambled at all is decided from its data: scrambled lines look like noise.
//
// The assembled image has 290 lines of 384 pixels, stored upside down and with
// inverted grey levels; the driver rotates it by 180° and inverts it, giving an 8-bit
// image of a 14.6 × 18.1 mm area at about 500 dpi, dark ridges on white.
//
// # Using it
//
// [Open] takes a [usb.Transport] (from package libusb, an emulator or a transcript
// player), powers the reader up and reads its device info. [Dev.CaptureFinger] runs a
// whole impression: await finger, capture, descramble, await lift, power off. While
// the reader is powered the driver keeps one interrupt read pending (a goroutine
// hands the events on) and cancels it at power-off, as the real reader's host does;
// the frame's bulk read is submitted before capture mode is written. The
// seed of the key exchange comes from [Options.SeedSource] (crypto/rand by default);
// a recorded session replays only with the seed it was recorded with, which is why the
// source is injectable. Package emu emulates the device at the transfer level.
package uru4000
