package emu

import (
	"time"

	"github.com/enrolld/enrolld/drivers/isdv4"
	"github.com/enrolld/enrolld/drivers/serial"
)

// readLoop takes the driver's command bytes off the line and acts on them.
func (e *Emulator) readLoop() {
	defer e.wg.Done()
	buf := make([]byte, 64)
	for {
		n, err := e.line.read(buf)
		if err != nil {
			return
		}
		rightRate := e.rightRate()
		for _, c := range buf[:n] {
			if !rightRate && e.opts.WrongBaud == WrongBaudSilence {
				continue // noise to the sensor's receiver
			}
			e.command(c)
		}
	}
}

// rightRate reports whether the driver's end runs at the sensor's baud rate.
func (e *Emulator) rightRate() bool { return e.line.rightRate(e.opts.BaudRate) }

func (e *Emulator) command(c byte) {
	e.mu.Lock()
	switch c {
	case isdv4.CmdStop:
		e.setSampling(false)
	case isdv4.CmdStart:
		e.setSampling(true)
	case isdv4.CmdReset:
		e.setSampling(false)
	case isdv4.CmdQuery:
	default:
		e.mu.Unlock()
		return // not a command this sensor knows ('%' included: no touch sensor)
	}
	e.commands = append(e.commands, c)
	e.mu.Unlock()
	switch c {
	case isdv4.CmdQuery:
		q, _ := isdv4.EncodeQuery(e.opts.Caps)
		e.send(q[:])
	case isdv4.CmdReset:
		e.send([]byte{isdv4.CmdReset})
	}
}

// setSampling switches sampling; e.mu is held.
func (e *Emulator) setSampling(on bool) {
	if on && !e.sampling {
		close(e.samplingCh)
	}
	if !on && e.sampling {
		e.samplingCh = make(chan struct{})
	}
	e.sampling = on
}

// sendLoop plays queued packets at the sample rate.
func (e *Emulator) sendLoop() {
	defer e.wg.Done()
	tick := time.NewTicker(time.Duration(float64(time.Second) / e.opts.Motion.SampleRate))
	defer tick.Stop()
	for {
		select {
		case <-e.done:
			return
		case <-tick.C:
		}
		if b := e.nextOutput(); len(b) > 0 {
			e.send(b)
		}
	}
}

// nextOutput pops what goes on the line this tick: injected noise, then one packet
// (cut short if a truncation is pending). A packet due while stopped is lost.
func (e *Emulator) nextOutput() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []byte
	for _, b := range e.inject {
		out = append(out, b...)
	}
	e.inject = nil
	if len(e.queue) == 0 {
		if !isClosed(e.idle) {
			close(e.idle)
		}
		return out
	}
	p := e.queue[0]
	e.queue = e.queue[1:]
	if !e.sampling {
		return out
	}
	b, err := isdv4.EncodePen(p)
	if err != nil {
		return out
	}
	pk := b[:]
	if e.truncate > 0 {
		e.truncate--
		pk = pk[:5]
	}
	return append(out, pk...)
}

// send writes b to the line, garbled or dropped when the driver runs at another rate.
func (e *Emulator) send(b []byte) {
	if !e.rightRate() {
		if e.opts.WrongBaud == WrongBaudSilence {
			return
		}
		b = e.garble(b)
	}
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.line.write(b)
}

// garble is what the host hears of b at the wrong rate.
func (e *Emulator) garble(b []byte) []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return serial.Garble(e.rng, b)
}
