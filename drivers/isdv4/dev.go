package isdv4

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/devmetrics"
	"github.com/enrolld/enrolld/drivers/serial"
)

// Driver errors.
var (
	// ErrNoAnswer means the sensor did not answer the query at any baud rate tried.
	ErrNoAnswer = errors.New("isdv4: no answer to the query at any baud rate")
	// ErrHalted means the device was halted.
	ErrHalted = errors.New("isdv4: device halted")
)

// PointsPerMM is the ISDV4 coordinate resolution.
const PointsPerMM = 100.0

// Options configure New. The zero value gives the defaults.
type Options struct {
	// BaudRates are tried in order; default 19200 then 38400.
	BaudRates []int
	// StopSettle is how long to wait after the stop command before flushing; default 250 ms.
	StopSettle time.Duration
	// QueryTimeout bounds the wait for the query reply at each rate; default 500 ms.
	QueryTimeout time.Duration
	// PollInterval is the read timeout while streaming (how quickly Stream notices its
	// context ending); default 50 ms.
	PollInterval time.Duration
	// SampleInterval is the sensor's nominal time between samples, used to date
	// samples that arrive together; default 1/130 s.
	SampleInterval time.Duration
	// Now stamps samples; default time.Now.
	Now func() time.Time
	// Metrics, if set, counts line errors (noise bytes, truncated packets, unplugging).
	Metrics *devmetrics.Metrics
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if len(r.BaudRates) == 0 {
		r.BaudRates = []int{19200, 38400}
	}
	if r.StopSettle == 0 {
		r.StopSettle = 250 * time.Millisecond
	}
	if r.QueryTimeout == 0 {
		r.QueryTimeout = 500 * time.Millisecond
	}
	if r.PollInterval == 0 {
		r.PollInterval = 50 * time.Millisecond
	}
	if r.SampleInterval <= 0 {
		r.SampleInterval = time.Second / 130
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r
}

// Dev is an ISDV4 pen digitiser on a serial port.
type Dev struct {
	port serial.Port
	opts Options
	caps QueryReply
	baud int

	mu        sync.Mutex
	streaming bool
	halted    bool
	stats     ScanStats
}

var (
	_ capture.SignaturePad    = (*Dev)(nil)
	_ devmetrics.Instrumented = (*Dev)(nil)
)

// New finds the sensor's baud rate, stops it, queries its ranges and returns it idle.
// The caller keeps ownership of port.
func New(ctx context.Context, port serial.Port, opts *Options) (*Dev, error) {
	d := &Dev{port: port, opts: opts.withDefaults()}
	var tried []string
	for _, baud := range d.opts.BaudRates {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q, err := d.probe(ctx, baud)
		if err == nil {
			d.caps, d.baud = q, baud
			return d, nil
		}
		if errors.Is(err, serial.ErrGone) || errors.Is(err, serial.ErrClosed) {
			return nil, fmt.Errorf("isdv4: %s: %w: %w", port, capture.ErrUnplugged, err)
		}
		tried = append(tried, fmt.Sprintf("%d: %v", baud, err))
	}
	d.opts.Metrics.DeviceError("isdv4", "no_answer")
	return nil, fmt.Errorf("%w on %s (%v)", ErrNoAnswer, port, tried)
}

// probe runs stop, settle, flush, query at one baud rate.
func (d *Dev) probe(ctx context.Context, baud int) (QueryReply, error) {
	if err := d.port.SetBaudRate(baud); err != nil {
		return QueryReply{}, err
	}
	if err := d.command(CmdStop); err != nil {
		return QueryReply{}, err
	}
	select {
	case <-ctx.Done():
		return QueryReply{}, ctx.Err()
	case <-time.After(d.opts.StopSettle):
	}
	if err := d.port.ResetInput(); err != nil {
		return QueryReply{}, err
	}
	if err := d.command(CmdQuery); err != nil {
		return QueryReply{}, err
	}
	return d.awaitQuery(ctx)
}

// awaitQuery reads until a valid query reply arrives or the query timeout passes;
// anything else on the line (garbage at a wrong rate, stray pen packets) is skipped.
func (d *Dev) awaitQuery(ctx context.Context) (QueryReply, error) {
	if err := d.port.SetReadTimeout(d.opts.PollInterval); err != nil {
		return QueryReply{}, err
	}
	deadline := time.Now().Add(d.opts.QueryTimeout)
	var sc Scanner
	buf := make([]byte, 64)
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return QueryReply{}, err
		}
		n, err := d.port.Read(buf)
		if err != nil && !errors.Is(err, serial.ErrTimeout) {
			return QueryReply{}, err
		}
		sc.Feed(buf[:n])
		for f, ok := sc.Next(); ok; f, ok = sc.Next() {
			if f.Kind == FrameQuery && plausible(f.Query) {
				return f.Query, nil
			}
		}
	}
	return QueryReply{}, fmt.Errorf("no query reply within %v (%d stray bytes)", d.opts.QueryTimeout, sc.Stats.Dropped)
}

// plausible rejects query replies that line noise could fake.
func plausible(q QueryReply) bool {
	return q.MaxX >= 1000 && q.MaxY >= 1000 && q.MaxPressure >= 1
}

func (d *Dev) command(c byte) error {
	_, err := d.port.Write([]byte{c})
	return err
}

// Caps returns the sensor's ranges and firmware version from the query.
func (d *Dev) Caps() QueryReply { return d.caps }

// BaudRate returns the rate the sensor answered at.
func (d *Dev) BaudRate() int { return d.baud }

// Stats returns what the packet scanner dropped during the last Stream.
func (d *Dev) Stats() ScanStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// SetMetrics makes the pad report into m (devmetrics.Instrumented); call it before
// the pad is used.
func (d *Dev) SetMetrics(m *devmetrics.Metrics) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opts.Metrics = m
}

// Info describes the device.
func (d *Dev) Info() capture.Info {
	return capture.Info{
		Kind:     capture.KindSignature,
		Driver:   "isdv4",
		Model:    fmt.Sprintf("ISDV4 %.0fx%.0f mm", float64(d.caps.MaxX)/PointsPerMM, float64(d.caps.MaxY)/PointsPerMM),
		Firmware: fmt.Sprint(d.caps.Version),
		Path:     d.port.String(),
	}
}

// String names the device for logs.
func (d *Dev) String() string {
	return fmt.Sprintf("isdv4 on %s at %d baud", d.port, d.baud)
}

// Halt stops sampling; it is safe to call twice. A halted Dev streams no more.
func (d *Dev) Halt() error {
	d.mu.Lock()
	already := d.halted
	d.halted = true
	d.mu.Unlock()
	if already {
		return nil
	}
	if err := d.command(CmdStop); err != nil && !errors.Is(err, serial.ErrGone) && !errors.Is(err, serial.ErrClosed) {
		return fmt.Errorf("isdv4: halt %s: %w", d.port, err)
	}
	return nil
}
