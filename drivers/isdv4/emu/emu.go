// Package emu emulates a Wacom ISDV4 pen digitiser on a real pseudo-terminal, for tests
// and demos. A driver opens Path() exactly as it would open /dev/ttyS0.
//
// The emulator answers the stop, start, query and reset commands, and checks the baud
// rate the driver set on its end of the line (it holds its own descriptor on the
// pseudo-terminal slave and reads the line settings with TCGETS): at any other rate it
// hears the driver's bytes as noise and ignores them (WrongBaudSilence) or acts on them
// but the driver hears its answers as garbage (WrongBaudGarbage), as with real hardware.
// While sampling it plays the strokes it is given at about 130 packets per second with
// hover, pressure ramps and pen lifts, and its control API injects line noise,
// truncated packets and unplugging.
//
// StartOn runs the same emulator on a serial port it is given instead, typically one
// end of a serial.NullModem whose other end the driver opens: then both sides speak
// through go.bug.st/serial and the cable garbles what crosses at mismatched rates.
package emu

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/enrolld/enrolld/drivers/isdv4"
	"github.com/enrolld/enrolld/drivers/serial"
)

// WrongBaud says how the emulated sensor behaves when the host runs at another rate.
type WrongBaud int

// Behaviours at the wrong baud rate.
const (
	// WrongBaudSilence: commands are not understood, nothing is sent.
	WrongBaudSilence WrongBaud = iota
	// WrongBaudGarbage: the sensor answers, and the host receives garbled bytes.
	WrongBaudGarbage
)

// ErrUnplugged is returned by control calls after Unplug or Close.
var ErrUnplugged = errors.New("isdv4/emu: emulator unplugged")

// Options configure Start. The zero value is a 19200-baud pen-only sensor.
type Options struct {
	// BaudRate is the sensor's fixed rate; default 19200.
	BaudRate int
	// WrongBaud is the behaviour at other rates.
	WrongBaud WrongBaud
	// Caps is what the query answers; default 262 × 163 mm, pressure 0..1023, version 22.
	Caps isdv4.QueryReply
	// Motion paces strokes.
	Motion Motion
	// Seed makes garbage and noise reproducible.
	Seed uint64
	// SamplingAtStart starts the sensor sampling, as many do at power-up, so the
	// driver finds pen packets on the line before it has said anything.
	SamplingAtStart bool
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.BaudRate == 0 {
		r.BaudRate = 19200
	}
	if r.Caps == (isdv4.QueryReply{}) {
		r.Caps = isdv4.QueryReply{MaxX: 26202, MaxY: 16325, MaxPressure: 1023, Version: 22}
	}
	r.Motion = r.Motion.withDefaults()
	return r
}

// Emulator is a running emulated sensor.
type Emulator struct {
	opts Options
	line line
	done chan struct{}
	wg   sync.WaitGroup

	writeMu sync.Mutex // one writer on the line at a time

	mu         sync.Mutex
	sampling   bool
	queue      []isdv4.PenPacket
	inject     [][]byte // raw bytes to put on the line before the next packet
	truncate   int      // how many coming packets to cut short
	commands   []byte   // commands understood, in order
	idle       chan struct{}
	samplingCh chan struct{}
	rng        *rand.Rand
	closed     bool
}

// Start opens a pseudo-terminal and runs the emulator on it until Close.
func Start(opts *Options) (*Emulator, error) {
	pty, err := serial.OpenPty()
	if err != nil {
		return nil, fmt.Errorf("isdv4/emu: %w", err)
	}
	return start(ptyLine{pty}, opts), nil
}

// StartOn runs the emulator on a port it is given (it sets the port to the sensor's
// rate and does not close it): one end of a serial.NullModem, say, so that both the
// driver and the emulator speak through go.bug.st/serial and the cable decides what a
// rate mismatch sounds like.
func StartOn(port serial.Port, opts *Options) (*Emulator, error) {
	o := opts.withDefaults()
	if err := port.SetBaudRate(o.BaudRate); err != nil {
		return nil, fmt.Errorf("isdv4/emu: %w", err)
	}
	if err := port.SetReadTimeout(portPoll); err != nil {
		return nil, fmt.Errorf("isdv4/emu: %w", err)
	}
	return start(&portLine{port: port}, &o), nil
}

func start(l line, opts *Options) *Emulator {
	o := opts.withDefaults()
	e := &Emulator{
		opts: o, line: l, done: make(chan struct{}),
		idle:       make(chan struct{}),
		samplingCh: make(chan struct{}),
		rng:        rand.New(rand.NewPCG(o.Seed, 0x15d4)),
	}
	close(e.idle)
	if o.SamplingAtStart {
		e.setSampling(true)
	}
	e.wg.Add(2)
	go e.readLoop()
	go e.sendLoop()
	return e
}

// Path is the port the driver opens: the pseudo-terminal slave (or, for StartOn, the
// port's own name).
func (e *Emulator) Path() string { return e.line.path() }

// Close stops the emulator and removes the pseudo-terminal; safe to call twice.
func (e *Emulator) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	close(e.done)
	e.mu.Unlock()
	err := e.line.close()
	e.wg.Wait()
	return err
}

// Unplug hangs up the line as if the cable were pulled: the driver's next read or write
// fails. The emulator is finished afterwards.
func (e *Emulator) Unplug() {
	e.line.hangup()
	e.Close()
}

// Sampling reports whether the sensor has been told to start and not stopped.
func (e *Emulator) Sampling() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sampling
}

// WaitSampling blocks until the driver has started sampling or ctx ends.
func (e *Emulator) WaitSampling(ctx context.Context) error {
	e.mu.Lock()
	ch := e.samplingCh
	e.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-e.done:
		return ErrUnplugged
	}
}

// Commands returns the commands the sensor understood so far, in order.
func (e *Emulator) Commands() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]byte(nil), e.commands...)
}

// Draw queues strokes to be played while the sensor samples and waits until they have
// all been sent (or ctx ends). Packets due while the sensor is stopped are lost, as the
// hand moves on whether or not the sensor reports it.
func (e *Emulator) Draw(ctx context.Context, strokes []Stroke) error {
	pk := Packets(strokes, e.opts.Caps, e.opts.Motion)
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return ErrUnplugged
	}
	e.queue = append(e.queue, pk...)
	if len(e.queue) > 0 && isClosed(e.idle) {
		e.idle = make(chan struct{})
	}
	idle := e.idle
	e.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-e.done:
		return ErrUnplugged
	}
}

// InjectNoise puts n random bytes on the line before the next packet.
func (e *Emulator) InjectNoise(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(e.rng.UintN(256))
	}
	e.inject = append(e.inject, b)
}

// InjectTruncated cuts the next n packets short (a lost tail, as after a line glitch).
func (e *Emulator) InjectTruncated(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.truncate += n
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
