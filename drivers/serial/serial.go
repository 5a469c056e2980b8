// Package serial is the small port interface enrolld's serial-line drivers speak, plus
// the ways to get one: Open for a real port (an RS-232 line, a USB-serial bridge such as
// /dev/ttyUSB0, or the slave side of a pseudo-terminal) and OpenPty for a
// pseudo-terminal pair that emulators and tests sit behind.
//
// A serial line in this project is always 8 data bits, no parity, one stop bit (8N1) and
// raw: no echo, no line editing, no flow control. What a driver changes is the baud
// rate (both ends must agree, or each side reads garbage or nothing), the read timeout,
// and it may discard input it has not read yet (a "flush"). Drivers never touch the
// modem lines (DTR, RTS, CTS, DSR): those ioctls fail with ENOTTY on pseudo-terminals and
// on many USB-serial bridges, so a driver that needs them cannot be tested or emulated.
//
// Drivers take a [Port] and never own it; whoever opened it closes it.
package serial

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors returned (wrapped) by Port implementations.
var (
	// ErrTimeout means no byte arrived within the read timeout.
	ErrTimeout = errors.New("serial: read timeout")
	// ErrClosed means the port was closed by this process.
	ErrClosed = errors.New("serial: port closed")
	// ErrGone means the other end went away (USB-serial bridge unplugged, pseudo-terminal
	// master closed): the line hung up.
	ErrGone = errors.New("serial: line hung up")
	// ErrBaudRate means the port cannot run at the asked-for rate.
	ErrBaudRate = errors.New("serial: unsupported baud rate")
)

// Port is an open 8N1 raw serial line.
type Port interface {
	// Read waits up to the read timeout for at least one byte and returns what has
	// arrived (at most len(p) bytes). With nothing received it returns 0 and an error
	// wrapping ErrTimeout.
	Read(p []byte) (int, error)
	// Write sends p.
	Write(p []byte) (int, error)
	// SetReadTimeout sets how long Read waits; 0 means "return at once".
	SetReadTimeout(d time.Duration) error
	// SetBaudRate changes the line speed (bits per second).
	SetBaudRate(baud int) error
	// BaudRate is the speed last set.
	BaudRate() int
	// ResetInput discards bytes received but not read yet.
	ResetInput() error
	// String names the port for logs ("/dev/ttyUSB0").
	String() string
}

// Device is a Port its opener owns and must close.
type Device interface {
	Port
	// Close releases the port; a pending Read returns ErrClosed.
	Close() error
}

// Options configure Open. The zero value is usable.
type Options struct {
	// BaudRate is the initial speed; 0 means 19200.
	BaudRate int
	// ReadTimeout is the initial read timeout; 0 means 100 ms.
	ReadTimeout time.Duration
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.BaudRate == 0 {
		r.BaudRate = 19200
	}
	if r.ReadTimeout == 0 {
		r.ReadTimeout = 100 * time.Millisecond
	}
	return r
}

// ReadFull reads exactly len(buf) bytes, waiting at most total for all of them. It
// returns the bytes read so far with an error wrapping ErrTimeout when time runs out.
func ReadFull(p Port, buf []byte, total time.Duration) (int, error) {
	deadline := time.Now().Add(total)
	n := 0
	for n < len(buf) {
		m, err := p.Read(buf[n:])
		n += m
		if err != nil && !errors.Is(err, ErrTimeout) {
			return n, err
		}
		if n < len(buf) && time.Now().After(deadline) {
			return n, fmt.Errorf("%s: %d of %d bytes after %v: %w", p, n, len(buf), total, ErrTimeout)
		}
	}
	return n, nil
}
