// Package emu emulates a DigitalPersona U.are.U 4500 / 4000B / 4000 fingerprint
// reader at the USB transfer level, for tests and demos without hardware.
//
// An [Emulator] is a [usb.Device]: it answers the vendor register requests on
// endpoint 0, sends 64-byte event reports on interrupt endpoint 0x81 and image frames
// on bulk endpoint 0x82, all in the real device's format. It keeps the registers a
// driver touches (hardware status with its low-power bit and power reboot, mode,
// scramble index and key, device info), raises the interrupts a real reader raises
// (power on after a power-up, finger on while awaiting a finger, finger off while
// awaiting the lift) and, in capture mode, answers every bulk read with a fresh frame
// of what lies on the sensor.
//
// Frames follow a block layout (by default one line not present and blocks of every
// kind) and are scrambled as the reader scrambles them: with its own 32-bit key per
// key number, through the same feedback shift register, shifted by one byte so that
// each scrambled block loses its last byte. The scrambler here is written separately
// from the driver's descrambler, so that a round trip checks one against the other.
//
// The control API is what a test or a demo does with a finger and a cable:
// [Emulator.Present] lays an 8-bit image of any size on the sensor (centred, cropped
// or padded with white), [Emulator.Lift] lifts the finger, [Emulator.Inject] arms a
// fault (a missing power-on interrupt, a 0x0800 "scan failed" event with a ruined
// frame, a short frame, a stall, a timeout, an unplug in the middle of a transfer) and
// [Emulator.Replug] plugs the reader back in. In demo mode the emulator presents
// generated fingerprints ([Fingerprint]) by itself, a moment after a driver starts
// waiting for a finger, and lifts them a moment after it waits for the lift.
package emu
