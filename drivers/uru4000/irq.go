package uru4000

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// irqReader keeps one read pending on the interrupt endpoint from power-up to power
// off, as the reader expects of its host, and hands the events on. It stops at the
// first transfer error (or when stopped), which awaitEvent then reports.
type irqReader struct {
	cancel context.CancelFunc
	events chan uint16
	done   chan struct{} // closed when the reader has stopped; err is set then
	err    error
}

// startIRQ starts the interrupt reader. It outlives the call that starts it (the
// reader stays powered between Open and the first capture) and ends in stopIRQ.
func (d *Dev) startIRQ() {
	d.stopIRQ()
	ctx, cancel := context.WithCancel(context.Background())
	r := &irqReader{cancel: cancel, events: make(chan uint16, 32), done: make(chan struct{})}
	d.irq = r
	go r.run(ctx, d.t)
}

// run reads event reports until a transfer fails or ctx is cancelled.
func (r *irqReader) run(ctx context.Context, t usb.Transport) {
	defer close(r.done)
	buf := make([]byte, InterruptSize)
	for {
		n, err := t.Read(ctx, EndpointInterrupt, buf)
		if err != nil {
			r.err = &endpointError{EndpointInterrupt, err}
			return
		}
		if n < 2 {
			continue
		}
		select {
		case r.events <- binary.BigEndian.Uint16(buf):
		case <-ctx.Done():
			r.err = &endpointError{EndpointInterrupt, ctx.Err()}
			return
		}
	}
}

// stopIRQ cancels the pending interrupt read and waits for the reader to end.
func (d *Dev) stopIRQ() {
	if d.irq == nil {
		return
	}
	d.irq.cancel()
	<-d.irq.done
	d.irq, d.pending = nil, nil
}

// awaitEvent waits for event want from the interrupt reader until ctx ends or, when
// timeout is positive, the timeout passes (an error wrapping usb.ErrTimeout). Other
// events are dropped; it reports whether a "scan failed" event was among them.
func (d *Dev) awaitEvent(ctx context.Context, want uint16, timeout time.Duration) (scanFailed bool, err error) {
	if d.irq == nil {
		return false, fmt.Errorf("await event %#04x: the reader is not powered", want)
	}
	for len(d.pending) > 0 {
		ev := d.pending[0]
		d.pending = d.pending[1:]
		if ev == want {
			return scanFailed, nil
		}
		scanFailed = scanFailed || ev == EventScanFailed
	}
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	for {
		select {
		case ev := <-d.irq.events:
			if ev == want {
				return scanFailed, nil
			}
			scanFailed = scanFailed || ev == EventScanFailed
		case <-d.irq.done:
			if found, failed := d.drainFor(want); found || failed {
				return scanFailed || failed, nil
			}
			return scanFailed, fmt.Errorf("await event %#04x: %w", want, d.irq.err)
		case <-expired:
			return scanFailed, fmt.Errorf("await event %#04x: none within %v: %w", want, timeout, usb.ErrTimeout)
		case <-ctx.Done():
			return scanFailed, fmt.Errorf("await event %#04x: %w", want, context.Cause(ctx))
		}
	}
}

// drainFor takes the events a stopped reader left behind, looking for want.
func (d *Dev) drainFor(want uint16) (found, scanFailed bool) {
	for {
		select {
		case ev := <-d.irq.events:
			if ev == want {
				return true, scanFailed
			}
			scanFailed = scanFailed || ev == EventScanFailed
		default:
			return false, scanFailed
		}
	}
}

// pollScanFailed takes the events that arrived during a frame without waiting: it
// reports a "scan failed" among them and keeps the others for awaitEvent.
func (d *Dev) pollScanFailed() (scanFailed bool) {
	if d.irq == nil {
		return false
	}
	for {
		select {
		case ev := <-d.irq.events:
			if ev == EventScanFailed {
				scanFailed = true
			} else {
				d.pending = append(d.pending, ev)
			}
		default:
			return scanFailed
		}
	}
}
