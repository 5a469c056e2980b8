package serial

import (
	"fmt"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// Pty is a pseudo-terminal pair for emulators and tests. The emulator talks through
// Master; a driver opens SlavePath with Open exactly as it would open a real port. The
// Pty also holds its own descriptor on the slave, which keeps the line up while the
// driver closes and reopens it and lets the emulator read the line settings the driver
// chose (BaudRate), as a real device "hears" the rate the host transmits at.
type Pty struct {
	master     *os.File
	slave      int
	path       string
	hangupOnce sync.Once

	mu     sync.Mutex
	closed bool
}

// OpenPty opens a new pseudo-terminal pair through /dev/ptmx, with the slave in raw 8N1
// mode at 38400 baud (the Linux default).
func OpenPty() (*Pty, error) {
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("serial: open /dev/ptmx: %w", err)
	}
	n, err := unix.IoctlGetUint32(mfd, unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0)
	}
	if err != nil {
		unix.Close(mfd)
		return nil, fmt.Errorf("serial: pty set-up: %w", err)
	}
	path := "/dev/pts/" + strconv.FormatUint(uint64(n), 10)
	sfd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(mfd)
		return nil, fmt.Errorf("serial: open %s: %w", path, err)
	}
	p := &Pty{master: os.NewFile(uintptr(mfd), "/dev/ptmx"), slave: sfd, path: path}
	if err := p.makeRaw(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Pty) makeRaw() error {
	t, err := unix.IoctlGetTermios(p.slave, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("serial: %s: TCGETS: %w", p.path, err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(p.slave, unix.TCSETS, t); err != nil {
		return fmt.Errorf("serial: %s: TCSETS: %w", p.path, err)
	}
	return nil
}

// SlavePath is the device path a driver opens ("/dev/pts/7").
func (p *Pty) SlavePath() string { return p.path }

// Master is the emulator's end. It supports read deadlines, and closing the Pty
// interrupts a pending Read.
func (p *Pty) Master() *os.File { return p.master }

// BaudRate reads the slave's current line speed (TCGETS on the Pty's own slave
// descriptor): the rate the driver last set.
func (p *Pty) BaudRate() (int, error) {
	t, err := unix.IoctlGetTermios(p.slave, unix.TCGETS)
	if err != nil {
		return 0, fmt.Errorf("serial: %s: TCGETS: %w", p.path, err)
	}
	baud, ok := speeds[t.Cflag&(unix.CBAUD|unix.CBAUDEX)]
	if !ok {
		return int(t.Ospeed), nil
	}
	return baud, nil
}

// Hangup closes the master end only, as if the device were unplugged: the driver's
// reads and writes on the slave then fail with ErrGone.
func (p *Pty) Hangup() error {
	var err error
	p.hangupOnce.Do(func() { err = p.master.Close() })
	return err
}

// Close closes both ends; it is safe to call twice.
func (p *Pty) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.Hangup()
	return unix.Close(p.slave)
}

var speeds = map[uint32]int{
	unix.B1200: 1200, unix.B2400: 2400, unix.B4800: 4800, unix.B9600: 9600,
	unix.B19200: 19200, unix.B38400: 38400, unix.B57600: 57600, unix.B115200: 115200,
	unix.B230400: 230400, unix.B460800: 460800, unix.B921600: 921600,
}
