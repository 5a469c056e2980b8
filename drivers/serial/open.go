package serial

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	bug "go.bug.st/serial"
)

// Conn is a real serial port opened through go.bug.st/serial.
type Conn struct {
	path string
	port bug.Port

	mu      sync.Mutex
	baud    int
	timeout time.Duration
	closed  bool
}

var _ Device = (*Conn)(nil)

// Open opens the serial port at path as 8N1 raw at opts' baud rate. It does not touch
// the modem lines.
func Open(path string, opts *Options) (*Conn, error) {
	o := opts.withDefaults()
	p, err := bug.Open(path, &bug.Mode{BaudRate: o.BaudRate, DataBits: 8, Parity: bug.NoParity, StopBits: bug.OneStopBit})
	if err != nil {
		return nil, fmt.Errorf("serial: open %s: %w", path, err)
	}
	c := &Conn{path: path, port: p, baud: o.BaudRate}
	if err := c.SetReadTimeout(o.ReadTimeout); err != nil {
		p.Close()
		return nil, err
	}
	return c, nil
}

// String returns the port path.
func (c *Conn) String() string { return c.path }

// Read waits up to the read timeout for at least one byte.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := c.port.Read(p)
	if err != nil {
		return n, c.wrap("read", err)
	}
	if n == 0 {
		return 0, fmt.Errorf("%s: %w", c.path, ErrTimeout)
	}
	return n, nil
}

// Write sends p.
func (c *Conn) Write(p []byte) (int, error) {
	n, err := c.port.Write(p)
	if err != nil {
		return n, c.wrap("write", err)
	}
	return n, nil
}

// SetReadTimeout sets how long Read waits for the first byte.
func (c *Conn) SetReadTimeout(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("serial: %s: negative read timeout %v", c.path, d)
	}
	if err := c.port.SetReadTimeout(d); err != nil {
		return c.wrap("set read timeout", err)
	}
	c.mu.Lock()
	c.timeout = d
	c.mu.Unlock()
	return nil
}

// SetBaudRate changes the line speed, keeping 8N1.
func (c *Conn) SetBaudRate(baud int) error {
	if baud <= 0 {
		return fmt.Errorf("serial: %s: %d: %w", c.path, baud, ErrBaudRate)
	}
	err := c.port.SetMode(&bug.Mode{BaudRate: baud, DataBits: 8, Parity: bug.NoParity, StopBits: bug.OneStopBit})
	if err != nil {
		var pe *bug.PortError
		if errors.As(err, &pe) && pe.Code() == bug.InvalidSpeed {
			return fmt.Errorf("serial: %s: %d: %w", c.path, baud, ErrBaudRate)
		}
		return c.wrap("set baud rate", err)
	}
	c.mu.Lock()
	c.baud = baud
	c.mu.Unlock()
	return nil
}

// BaudRate is the speed last set.
func (c *Conn) BaudRate() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.baud
}

// ResetInput discards received bytes not read yet.
func (c *Conn) ResetInput() error {
	if err := c.port.ResetInputBuffer(); err != nil {
		return c.wrap("flush", err)
	}
	return nil
}

// Close releases the port; it is safe to call twice.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	if err := c.port.Close(); err != nil {
		return fmt.Errorf("serial: close %s: %w", c.path, err)
	}
	return nil
}

// wrap maps go.bug.st/serial and errno errors onto this package's sentinels.
func (c *Conn) wrap(op string, err error) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	var pe *bug.PortError
	switch {
	case closed:
		return fmt.Errorf("serial: %s %s: %w", op, c.path, ErrClosed)
	case errors.As(err, &pe) && pe.Code() == bug.PortClosed,
		errors.Is(err, syscall.EIO), errors.Is(err, syscall.ENXIO), errors.Is(err, syscall.ENODEV):
		return fmt.Errorf("serial: %s %s: %w (%v)", op, c.path, ErrGone, err)
	}
	return fmt.Errorf("serial: %s %s: %w", op, c.path, err)
}
