package emu

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/enrolld/enrolld/drivers/serial"
)

// line is the emulator's end of the serial connection.
type line interface {
	// read blocks until bytes arrive; it fails once the line is closed.
	read(p []byte) (int, error)
	write(p []byte) error
	// rightRate reports whether the host runs at baud; a line that cannot tell says yes.
	rightRate(baud int) bool
	// path is what the host opens.
	path() string
	close() error
	hangup()
}

// ptyLine is a pseudo-terminal master; the emulator reads the host's rate from it.
type ptyLine struct{ pty *serial.Pty }

func (l ptyLine) read(p []byte) (int, error) { return l.pty.Master().Read(p) }

func (l ptyLine) write(p []byte) error {
	_, err := l.pty.Master().Write(p)
	return err
}

func (l ptyLine) rightRate(baud int) bool {
	b, err := l.pty.BaudRate()
	return err == nil && b == baud
}

func (l ptyLine) path() string { return l.pty.SlavePath() }
func (l ptyLine) close() error { return l.pty.Close() }
func (l ptyLine) hangup()      { l.pty.Hangup() }

// portLine is a serial port the emulator was given (one end of a serial.NullModem, or
// a real port wired to the host). What a rate mismatch does is up to the wire between.
type portLine struct {
	port   serial.Port
	closed atomic.Bool
}

// errLineClosed ends the read loop of a closed port line.
var errLineClosed = errors.New("isdv4/emu: line closed")

func (l *portLine) read(p []byte) (int, error) {
	for !l.closed.Load() {
		n, err := l.port.Read(p)
		if err == nil || !errors.Is(err, serial.ErrTimeout) {
			return n, err
		}
	}
	return 0, errLineClosed
}

func (l *portLine) write(p []byte) error {
	if l.closed.Load() {
		return errLineClosed
	}
	_, err := l.port.Write(p)
	return err
}

func (l *portLine) rightRate(int) bool { return true }
func (l *portLine) path() string       { return l.port.String() }
func (l *portLine) close() error       { l.closed.Store(true); return nil }
func (l *portLine) hangup()            { l.closed.Store(true) }

// portPoll is the read timeout of a port line: how quickly it notices Close.
const portPoll = 20 * time.Millisecond
