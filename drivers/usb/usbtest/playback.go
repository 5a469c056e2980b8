package usbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// DefaultMaxWait is how long a Playback transfer waits for its turn when
// Playback.MaxWait is zero.
const DefaultMaxWait = 5 * time.Second

// Playback is a usb.Device that replays a Transcript. Each transfer the driver makes
// must equal the next recorded transfer on the same endpoint (kind, setup packet,
// length and OUT payload); anything else fails with ErrUnexpected, and that first
// failure is also returned by every later call and by Close, so a driver that
// swallows an error still fails the test.
//
// Transfers on different endpoints keep their recorded order: a transfer whose
// turn has not come (an interrupt read submitted early, say) waits until every
// transfer recorded before it has been made, as on a real device. A recorded
// cancellation completes when the caller cancels its context.
//
// Use it as &Playback{Transcript: *tr} or NewPlayback(tr), and check Close in the
// test: it fails if expected transfers were not made.
type Playback struct {
	Transcript
	// MaxWait bounds how long a transfer waits for its turn (or for its recorded
	// cancellation); zero means DefaultMaxWait.
	MaxWait time.Duration

	mu      sync.Mutex
	init    bool
	done    []bool
	claimed []bool
	next    int           // lowest index not yet done
	changed chan struct{} // closed and replaced whenever a transfer is done
	failure error
	closed  bool
}

var (
	_ usb.Transport = (*Playback)(nil)
	_ usb.Device    = (*Playback)(nil)
	_ usb.Resetter  = (*Playback)(nil)
)

// NewPlayback replays tr.
func NewPlayback(tr *Transcript) *Playback { return &Playback{Transcript: *tr} }

// Descriptor returns the recorded device descriptor.
func (p *Playback) Descriptor() usb.DeviceDesc { return p.Device }

// Control replays a control transfer.
func (p *Playback) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	c := Transfer{Kind: Control, RequestType: rType, Request: request, Value: value, Index: index, Length: len(data)}
	if rType&usb.DirIn == 0 {
		c.Out = data
	}
	return p.replay(ctx, &c, data)
}

// Read replays a bulk or interrupt IN transfer.
func (p *Playback) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	return p.replay(ctx, &Transfer{Kind: Read, Endpoint: ep, Length: len(buf)}, buf)
}

// Write replays a bulk or interrupt OUT transfer.
func (p *Playback) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	n, err := p.replay(ctx, &Transfer{Kind: Write, Endpoint: ep, Length: len(data), Out: data}, nil)
	if err == nil {
		n = len(data)
	}
	return n, err
}

// Reset replays a port reset.
func (p *Playback) Reset(ctx context.Context) error {
	_, err := p.replay(ctx, &Transfer{Kind: Reset}, nil)
	return err
}

// Close ends the playback. It returns the first failure, or an error wrapping
// ErrUnconsumed naming the first recorded transfer that was not made.
func (p *Playback) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setup()
	p.closed = true
	if p.failure != nil {
		return p.failure
	}
	left := 0
	first := -1
	for i, d := range p.done {
		if !d {
			left++
			if first < 0 {
				first = i
			}
		}
	}
	if left == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d of %d left, the first being step %d: %s",
		ErrUnconsumed, left, len(p.done), first, p.Transfers[first].request())
}

// setup initialises the bookkeeping; p.mu is held.
func (p *Playback) setup() {
	if p.init {
		return
	}
	p.init = true
	p.done = make([]bool, len(p.Transfers))
	p.claimed = make([]bool, len(p.Transfers))
	p.changed = make(chan struct{})
}

// replay matches call against the transcript, waits for its turn and answers it.
func (p *Playback) replay(ctx context.Context, call *Transfer, buf []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setup()
	if p.failure != nil {
		return 0, p.failure
	}
	if p.closed {
		return 0, fmt.Errorf("usbtest: playback closed: %w", usb.ErrNoDevice)
	}
	i, err := p.match(call)
	if err != nil {
		return 0, err
	}
	p.claimed[i] = true
	want := &p.Transfers[i]
	if err := p.waitTurn(ctx, i); err != nil {
		p.claimed[i] = false
		return 0, err
	}
	if errors.Is(want.Err, usb.ErrCancelled) {
		if err := p.waitCancel(ctx, i); err != nil {
			p.claimed[i] = false
			return 0, err
		}
	}
	n := copy(buf, want.In)
	p.finish(i)
	if want.Err != nil {
		return n, fmt.Errorf("usbtest: step %d replays %w", i, want.Err)
	}
	return n, nil
}

// match finds the transcript step call must equal; p.mu is held.
func (p *Playback) match(call *Transfer) (int, error) {
	for i := p.next; i < len(p.Transfers); i++ {
		if p.done[i] || p.claimed[i] || p.Transfers[i].queue() != call.queue() {
			continue
		}
		want := &p.Transfers[i]
		if diff := differ(want, call); diff != "" {
			return 0, p.fail(fmt.Errorf("%w: step %d: got %s, want %s (%s differs)", ErrUnexpected, i, call.request(), want.request(), diff))
		}
		return i, nil
	}
	return 0, p.fail(fmt.Errorf("%w: %s after the last recorded transfer on that endpoint", ErrUnexpected, call.request()))
}

// differ names the first thing in which call differs from want, or returns "".
func differ(want, call *Transfer) string {
	switch {
	case want.Kind != call.Kind:
		return "kind"
	case want.RequestType != call.RequestType || want.Request != call.Request:
		return "request"
	case want.Value != call.Value:
		return "wValue"
	case want.Index != call.Index:
		return "wIndex"
	case want.Endpoint != call.Endpoint:
		return "endpoint"
	case want.Length != call.Length:
		return "length"
	case !bytes.Equal(want.Out, call.Out):
		return "OUT payload"
	}
	return ""
}

// waitTurn waits until every step before i is done; p.mu is held and released
// while waiting. If ctx ends first the call is abandoned (not a failure: Close
// reports the step as not made).
func (p *Playback) waitTurn(ctx context.Context, i int) error {
	deadline := time.NewTimer(p.maxWait())
	defer deadline.Stop()
	for p.next < i {
		changed := p.changed
		p.mu.Unlock()
		var ctxErr, timedOut bool
		select {
		case <-changed:
		case <-ctx.Done():
			ctxErr = true
		case <-deadline.C:
			timedOut = true
		}
		p.mu.Lock()
		if p.next >= i || p.failure != nil {
			break
		}
		if ctxErr {
			return ctxError(ctx, i)
		}
		if timedOut {
			return p.fail(fmt.Errorf("%w: step %d (%s) waited %v for step %d (%s), which was never made",
				ErrUnexpected, i, p.Transfers[i].request(), p.maxWait(), p.next, p.Transfers[p.next].request()))
		}
	}
	return p.failure
}

// waitCancel waits for the caller to cancel, as it did when step i was recorded.
func (p *Playback) waitCancel(ctx context.Context, i int) error {
	p.mu.Unlock()
	var err error
	select {
	case <-ctx.Done():
	case <-time.After(p.maxWait()):
		err = fmt.Errorf("%w: step %d (%s) was cancelled when recorded, but the caller did not cancel within %v",
			ErrUnexpected, i, p.Transfers[i].request(), p.maxWait())
	}
	p.mu.Lock()
	if err != nil {
		return p.fail(err)
	}
	return nil
}

func ctxError(ctx context.Context, i int) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("usbtest: step %d not reached before the deadline: %w", i, usb.ErrTimeout)
	}
	return fmt.Errorf("usbtest: step %d not reached before cancellation: %w", i, usb.ErrCancelled)
}

// finish marks step i done and wakes waiting transfers; p.mu is held.
func (p *Playback) finish(i int) {
	p.done[i] = true
	for p.next < len(p.done) && p.done[p.next] {
		p.next++
	}
	close(p.changed)
	p.changed = make(chan struct{})
}

// fail records the first failure and returns err; p.mu is held.
func (p *Playback) fail(err error) error {
	if p.failure == nil {
		p.failure = err
	}
	return err
}

func (p *Playback) maxWait() time.Duration {
	if p.MaxWait > 0 {
		return p.MaxWait
	}
	return DefaultMaxWait
}
