package uru4000

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options tune the driver. The zero value of every field means its default.
type Options struct {
	// SeedSource supplies the 32-bit host seeds of the key exchange, 4 bytes each,
	// little-endian. Default crypto/rand.Reader. See FixedSeed for recorded sessions.
	SeedSource io.Reader
	// PowerOnTimeout is how long to wait for the power-on interrupt. Default 300 ms.
	PowerOnTimeout time.Duration
	// InitAttempts is how often the power-up is tried before giving up. Default 3.
	InitAttempts int
	// RebootPolls and RebootPollInterval bound the wait for a power reboot.
	// Defaults 100 and 10 ms.
	RebootPolls        int
	RebootPollInterval time.Duration
	// ControlTimeout bounds each register transfer. Default 1 s.
	ControlTimeout time.Duration
	// FrameTimeout bounds each frame read once capture mode is set. Default 2 s.
	FrameTimeout time.Duration
	// CaptureAttempts is how many frames a capture reads before giving up when frames
	// come short or the reader announces a failed scan. Default 3.
	CaptureAttempts int
	// Registerer, if not nil, receives the driver's metrics.
	Registerer prometheus.Registerer
	// Now is the clock for capture timestamps. Default time.Now.
	Now func() time.Time
}

// withDefaults returns a copy of o with defaults filled in, or an error naming the
// first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.SeedSource == nil {
		o.SeedSource = rand.Reader
	}
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"PowerOnTimeout", &o.PowerOnTimeout, 300 * time.Millisecond},
		{"RebootPollInterval", &o.RebootPollInterval, 10 * time.Millisecond},
		{"ControlTimeout", &o.ControlTimeout, time.Second},
		{"FrameTimeout", &o.FrameTimeout, 2 * time.Second},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return o, fmt.Errorf("uru4000: option %s is negative (%v)", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	counts := []struct {
		name string
		v    *int
		def  int
	}{
		{"InitAttempts", &o.InitAttempts, 3},
		{"RebootPolls", &o.RebootPolls, 100},
		{"CaptureAttempts", &o.CaptureAttempts, 3},
	}
	for _, c := range counts {
		if *c.v < 0 {
			return o, fmt.Errorf("uru4000: option %s is negative (%d)", c.name, *c.v)
		}
		if *c.v == 0 {
			*c.v = c.def
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// FixedSeed returns a seed source that yields seed for every key exchange, so that a
// session replays against a transcript recorded with the same seed.
func FixedSeed(seed uint32) io.Reader { return fixedSeed(seed) }

type fixedSeed uint32

func (s fixedSeed) Read(p []byte) (int, error) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(s))
	for i := range p {
		p[i] = b[i%4]
	}
	return len(p), nil
}

// seed reads the next host seed from the source.
func (o *Options) seed() (uint32, error) {
	var b [4]byte
	if _, err := io.ReadFull(o.SeedSource, b[:]); err != nil {
		return 0, fmt.Errorf("uru4000: reading a scramble seed: %w", err)
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}
