package emu

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/usb"
)

// deviceInfo is the 16-byte block at register 0xf0; bytes 10-11 and 4-5 hold the
// firmware versions.
var deviceInfo = [16]byte{0x00, 0x01, 0x45, 0x00, 0x01, 0x13, 0x00, 0x00, 0x80, 0x02, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00}

// powered reports whether the sensor is on. Called with mu held.
func (e *Emulator) powered() bool {
	return e.rebootReads == 0 && e.hwstat&uru4000.HWStatLowPower == 0
}

// readRegs fills data from consecutive registers starting at reg and returns the
// count. Reading HWSTAT advances a running power reboot; reading the scramble key
// counts a key exchange. Called with mu held.
func (e *Emulator) readRegs(reg uint16, data []byte) int {
	switch reg {
	case uru4000.RegHWStat:
		if e.rebootReads > 0 {
			e.rebootReads--
			if e.rebootReads == 0 {
				e.hwstat = uru4000.HWStatPowered
				e.stats.Reboots++
			}
			if len(data) > 0 {
				data[0] = 0
				return len(data)
			}
		}
	case uru4000.RegScrambleKey:
		e.stats.KeyExchanges++
	}
	var key [4]byte
	binary.LittleEndian.PutUint32(key[:], deviceKey(e.opts.Secret, e.idxNumber)^e.idxSeed)
	for i := range data {
		a := int(reg) + i
		switch {
		case a == int(uru4000.RegHWStat):
			data[i] = e.hwstat
		case a == int(uru4000.RegMode):
			data[i] = e.mode
		case a >= int(uru4000.RegScrambleKey) && a < int(uru4000.RegScrambleKey)+4:
			data[i] = key[a-int(uru4000.RegScrambleKey)]
		case a >= int(uru4000.RegDeviceInfo) && a < int(uru4000.RegDeviceInfo)+len(deviceInfo):
			data[i] = deviceInfo[a-int(uru4000.RegDeviceInfo)]
		case a < len(e.regs):
			data[i] = e.regs[a]
		default:
			data[i] = 0
		}
	}
	return len(data)
}

// writeRegs applies a register write. Called with mu held.
func (e *Emulator) writeRegs(ctx context.Context, reg uint16, data []byte) (int, error) {
	if len(data) == 0 {
		return 0, nil
	}
	switch reg {
	case uru4000.RegHWStat:
		e.writeHWStat(data[0])
	case uru4000.RegMode:
		e.writeMode(ctx, data[0])
	case uru4000.RegScrambleIndex:
		if len(data) < 5 {
			return 0, fmt.Errorf("emu: scramble index takes 5 bytes, got %d: %w", len(data), usb.ErrStall)
		}
		e.idxNumber, e.idxSeed = data[0], binary.LittleEndian.Uint32(data[1:5])
	default:
		if int(reg) < len(e.regs) {
			copy(e.regs[reg:], data)
		}
	}
	e.notify()
	return len(data), nil
}

// writeHWStat applies a write to HWSTAT: a power reboot when the reader asks for one,
// low power when bit 7 is set, power up (with the power-on interrupt) when it clears.
// Called with mu held.
func (e *Emulator) writeHWStat(v byte) {
	switch {
	case e.rebootReads > 0:
		// busy rebooting
	case e.hwstat&uru4000.HWStatNeedReboot == uru4000.HWStatNeedReboot && v&uru4000.HWStatLowPower == 0:
		e.hwstat, e.rebootReads = 0, e.opts.RebootReads
	case v&uru4000.HWStatLowPower != 0:
		e.hwstat = v
	default:
		wasLow := e.hwstat&uru4000.HWStatLowPower != 0
		e.hwstat = v
		if wasLow {
			e.stats.PowerUps++
			if !e.take(FaultNoPowerOn, 0) {
				e.queue(uru4000.EventPowerOn)
			}
		}
	}
}

// writeMode switches the mode and raises what the new mode raises. A sleeping sensor
// takes the mode but raises nothing. Called with mu held.
func (e *Emulator) writeMode(ctx context.Context, m byte) {
	e.mode = m
	if !e.powered() {
		return
	}
	switch m {
	case uru4000.ModeAwaitFingerOn:
		e.queue(uru4000.EventPowerOn, uru4000.EventPowerOn)
		if e.take(FaultScanFailed, 0) {
			e.queue(uru4000.EventScanFailed)
			e.garbageNext = true
		}
		if e.finger {
			e.queue(uru4000.EventFingerOn)
		} else if e.opts.Demo {
			e.after(e.opts.DemoDelay, e.presentDemo)
		}
	case uru4000.ModeAwaitFingerOff:
		if !e.finger {
			e.queue(uru4000.EventFingerOff)
		} else if e.opts.Demo {
			e.after(e.opts.DemoHold, e.Lift)
		}
	case uru4000.ModeCapture:
		e.awaitBulkRead(ctx)
	}
}

// awaitBulkRead gives a driver's bulk read a moment to arrive after capture mode is
// set, and counts it missing if it does not. Called with mu held.
func (e *Emulator) awaitBulkRead(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, e.opts.CaptureWait)
	defer cancel()
	// A read arriving during the wait may take its frame and finish before this
	// goroutine looks again: count arrivals, not just reads still waiting.
	arrived := e.bulkReads
	for e.bulkWaiting == 0 && e.bulkReads == arrived {
		if e.wait(ctx) != nil || e.gone() != nil {
			e.stats.CaptureWithoutRead++
			return
		}
	}
}

// queue adds event reports for the interrupt endpoint. Called with mu held.
func (e *Emulator) queue(evs ...uint16) {
	e.irq = append(e.irq, evs...)
	e.notify()
}

// after runs the demo action f after d, replacing any pending one, unless the
// reader is reset or closed first. Called with mu held.
func (e *Emulator) after(d time.Duration, f func()) {
	e.stopTimers()
	e.demo = time.AfterFunc(d, f)
}
