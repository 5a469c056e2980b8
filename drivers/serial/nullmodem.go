package serial

import (
	"errors"
	"math/rand/v2"
	"sync"
)

// Mismatch says what a NullModem delivers when its two ends run at different rates.
type Mismatch int

// What a receiver hears from a transmitter at another baud rate.
const (
	// MismatchGarble delivers garbage: framing errors read as 0x00, 0xff and bytes
	// with the top bit set, about one for every two bytes sent.
	MismatchGarble Mismatch = iota
	// MismatchSilence delivers nothing.
	MismatchSilence
)

// NullModem is two pseudo-terminals wired to each other like two serial ports joined
// by a null-modem cable: what is written on one slave arrives on the other. Each end
// is opened with Open like any port, so a driver and an emulator can both speak
// through go.bug.st/serial. Before each chunk crosses, the modem compares the rates the
// two ends set; if they differ, the far end receives what a UART at the wrong rate
// would, according to Mismatch.
type NullModem struct {
	a, b     *Pty
	mismatch Mismatch

	mu  sync.Mutex
	rng *rand.Rand
	wg  sync.WaitGroup
}

// OpenNullModem opens the two pseudo-terminals and starts carrying bytes.
func OpenNullModem(m Mismatch, seed uint64) (*NullModem, error) {
	a, err := OpenPty()
	if err != nil {
		return nil, err
	}
	b, err := OpenPty()
	if err != nil {
		a.Close()
		return nil, err
	}
	n := &NullModem{a: a, b: b, mismatch: m, rng: rand.New(rand.NewPCG(seed, 0x6e756c6c))}
	n.wg.Add(2)
	go n.carry(a, b)
	go n.carry(b, a)
	return n, nil
}

// PathA is one end's port path.
func (n *NullModem) PathA() string { return n.a.SlavePath() }

// PathB is the other end's port path.
func (n *NullModem) PathB() string { return n.b.SlavePath() }

// Cut pulls the cable out of end A: A's port hangs up (reads and writes fail with
// ErrGone) and nothing crosses any more.
func (n *NullModem) Cut() { n.a.Hangup() }

// Close closes both pseudo-terminals and waits for the carriers to stop.
func (n *NullModem) Close() error {
	err := errors.Join(n.a.Close(), n.b.Close())
	n.wg.Wait()
	return err
}

// carry copies from's master to to's master until either closes.
func (n *NullModem) carry(from, to *Pty) {
	defer n.wg.Done()
	buf := make([]byte, 256)
	for {
		k, err := from.Master().Read(buf)
		if err != nil {
			return
		}
		out, err := n.cross(from, to, buf[:k])
		if err != nil {
			return
		}
		if len(out) > 0 {
			if _, err := to.Master().Write(out); err != nil {
				return
			}
		}
	}
}

// cross returns what the receiving end hears of b.
func (n *NullModem) cross(from, to *Pty, b []byte) ([]byte, error) {
	rf, err := from.BaudRate()
	if err != nil {
		return nil, err
	}
	rt, err := to.BaudRate()
	if err != nil {
		return nil, err
	}
	switch {
	case rf == rt:
		return b, nil
	case n.mismatch == MismatchSilence:
		return nil, nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return Garble(n.rng, b), nil
}

// Garble turns bytes sent at one rate into what a receiver at another rate sees:
// framing errors that read as 0x00 and 0xff and bytes with the top bit set, about one
// received byte for every two sent. It never gives two 0x00 in a row, so it cannot
// hold a run of bytes without the top bit (what packet bodies of most serial
// protocols look like).
func Garble(rng *rand.Rand, b []byte) []byte {
	out := make([]byte, 0, len(b)/2+1)
	for i := 0; i < len(b); i += 2 {
		switch r := rng.UintN(4); {
		case r == 0 && (len(out) == 0 || out[len(out)-1] != 0):
			out = append(out, 0x00)
		case r <= 1:
			out = append(out, 0xff)
		default:
			out = append(out, 0x80|byte(rng.UintN(128)))
		}
	}
	return out
}
