package emu

import (
	"fmt"
	"image"

	"github.com/enrolld/enrolld/drivers/uru4000"
)

// Fault is a failure the emulator can be told to produce once.
type Fault int

// Faults. Stall, Timeout and Unplug hit a transfer on one endpoint (see InjectOn);
// the others hit the step of the protocol they name.
const (
	// FaultNoPowerOn drops the power-on interrupt of the next power-up.
	FaultNoPowerOn Fault = iota + 1
	// FaultScanFailed raises event 0x0800 when the driver next awaits a finger and
	// ruins the frame that follows (full length, valid header, noise for data).
	FaultScanFailed
	// FaultShortFrame cuts the next frame short of the lines its header announces.
	FaultShortFrame
	// FaultStall stalls the next transfer on the endpoint; a bulk or interrupt
	// endpoint stays halted until the host clears the halt.
	FaultStall
	// FaultTimeout makes the next transfer on the endpoint never complete.
	FaultTimeout
	// FaultUnplug pulls the cable during the next transfer on the endpoint (halfway
	// through a frame on the bulk endpoint); see Replug.
	FaultUnplug
)

var faultNames = map[Fault]string{
	FaultNoPowerOn: "no power-on interrupt", FaultScanFailed: "scan failed (0x0800)",
	FaultShortFrame: "short frame", FaultStall: "stall", FaultTimeout: "timeout", FaultUnplug: "unplug",
}

// String names the fault.
func (f Fault) String() string {
	if n, ok := faultNames[f]; ok {
		return n
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// armed is a fault waiting for its moment; ep matters for stall, timeout and unplug.
type armed struct {
	f  Fault
	ep uint8
}

// Inject arms f once. Stall, timeout and unplug are aimed at the bulk endpoint, that
// is at the next frame.
func (e *Emulator) Inject(f Fault) {
	_ = e.InjectOn(f, uru4000.EndpointData)
}

// InjectOn arms f once on endpoint ep (0 for control transfers, 0x81, 0x82).
func (e *Emulator) InjectOn(f Fault, ep uint8) error {
	if _, ok := faultNames[f]; !ok {
		return fmt.Errorf("emu: unknown fault %d", int(f))
	}
	switch f {
	case FaultStall, FaultTimeout, FaultUnplug:
		if ep != 0 && ep != uru4000.EndpointInterrupt && ep != uru4000.EndpointData {
			return fmt.Errorf("emu: the reader has no endpoint %#02x", ep)
		}
	default:
		ep = 0
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, armed{f, ep})
	return nil
}

// take disarms and reports the first armed fault f on ep. Called with mu held.
func (e *Emulator) take(f Fault, ep uint8) bool {
	for i, a := range e.faults {
		if a.f == f && a.ep == ep {
			e.faults = append(e.faults[:i], e.faults[i+1:]...)
			return true
		}
	}
	return false
}

// Present lays img on the sensor: centred in the 384 × 290 window, cropped or padded
// with white, in the orientation of the driver's finished image. If the driver awaits
// a finger, the reader reports it.
func (e *Emulator) Present(img *image.Gray) {
	w := Window(img)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.window = w
	if !e.finger {
		e.finger = true
		if e.mode == uru4000.ModeAwaitFingerOn && e.powered() {
			e.queue(uru4000.EventFingerOn)
		}
	}
	e.notify()
}

// Lift takes the finger off the sensor. If the driver awaits the lift, the reader
// reports it.
func (e *Emulator) Lift() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.window = blankWindow()
	if e.finger {
		e.finger = false
		if e.mode == uru4000.ModeAwaitFingerOff && e.powered() {
			e.queue(uru4000.EventFingerOff)
		}
	}
	e.notify()
}

// Replug plugs the reader back in after an unplug: it comes back as if new (powered,
// no mode, no queued events, no armed faults); a finger on the sensor stays there.
func (e *Emulator) Replug() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.unplugged = false
	e.reset()
	e.notify()
}

// NeedReboot makes the reader report (in HWSTAT) that its power needs a reboot.
func (e *Emulator) NeedReboot() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hwstat = uru4000.HWStatNeedReboot | uru4000.HWStatPowered
	e.notify()
}

// unplug pulls the cable. Called with mu held.
func (e *Emulator) unplug() {
	e.unplugged = true
	e.stopTimers()
	e.notify()
}

// presentDemo presents the next generated fingerprint.
func (e *Emulator) presentDemo() {
	e.mu.Lock()
	seed := e.opts.DemoSeed + e.demoN
	e.demoN++
	e.mu.Unlock()
	e.Present(Fingerprint(uru4000.Width, uru4000.Height-8, seed))
}

// Window returns what the sensor shows when img is presented: img centred in a
// 384 × 290 image (the driver's finished orientation), cropped or padded with white.
func Window(img *image.Gray) []byte {
	w := blankWindow()
	if img == nil {
		return w
	}
	b := img.Bounds()
	ox := (uru4000.Width - b.Dx()) / 2
	oy := (uru4000.Height - b.Dy()) / 2
	for y := range uru4000.Height {
		sy := y - oy
		if sy < 0 || sy >= b.Dy() {
			continue
		}
		for x := range uru4000.Width {
			sx := x - ox
			if sx >= 0 && sx < b.Dx() {
				w[y*uru4000.Width+x] = img.GrayAt(b.Min.X+sx, b.Min.Y+sy).Y
			}
		}
	}
	return w
}

// blankWindow is an empty sensor: all white.
func blankWindow() []byte {
	w := make([]byte, uru4000.Width*uru4000.Height)
	for i := range w {
		w[i] = 0xff
	}
	return w
}
