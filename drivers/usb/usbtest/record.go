package usbtest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Record is a usb.Transport that passes every transfer to another transport and
// records it. Wrap a real device (or an emulator) with NewRecord, run the driver
// against the Record, then save Transcript() as a test fixture or a pcap file.
// Record does not own the wrapped transport.
type Record struct {
	t     usb.Transport
	start time.Time

	mu        sync.Mutex
	transfers []Transfer
}

var (
	_ usb.Transport = (*Record)(nil)
	_ usb.Resetter  = (*Record)(nil)
)

// NewRecord starts recording the transfers made through t.
func NewRecord(t usb.Transport) *Record {
	return &Record{t: t, start: time.Now()}
}

// Transcript returns a copy of everything recorded so far, in completion order.
func (r *Record) Transcript() *Transcript {
	r.mu.Lock()
	defer r.mu.Unlock()
	tr := &Transcript{Device: r.t.Descriptor(), Transfers: make([]Transfer, len(r.transfers))}
	copy(tr.Transfers, r.transfers)
	return tr
}

// Descriptor returns the wrapped transport's descriptor.
func (r *Record) Descriptor() usb.DeviceDesc { return r.t.Descriptor() }

// Control performs and records a control transfer.
func (r *Record) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	t := Transfer{Kind: Control, RequestType: rType, Request: request, Value: value, Index: index, Length: len(data)}
	if rType&usb.DirIn == 0 {
		t.Out = clone(data)
	}
	t.Start = time.Since(r.start)
	n, err := r.t.Control(ctx, rType, request, value, index, data)
	if t.IsIn() {
		t.In = clone(data[:clamp(n, len(data))])
	}
	r.add(t, err)
	return n, err
}

// Read performs and records a bulk or interrupt IN transfer.
func (r *Record) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	t := Transfer{Kind: Read, Endpoint: ep, Length: len(buf), Start: time.Since(r.start)}
	n, err := r.t.Read(ctx, ep, buf)
	t.In = clone(buf[:clamp(n, len(buf))])
	r.add(t, err)
	return n, err
}

// Write performs and records a bulk or interrupt OUT transfer.
func (r *Record) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	t := Transfer{Kind: Write, Endpoint: ep, Length: len(data), Out: clone(data), Start: time.Since(r.start)}
	n, err := r.t.Write(ctx, ep, data)
	r.add(t, err)
	return n, err
}

// Reset resets the wrapped transport if it is a usb.Resetter, and records it.
func (r *Record) Reset(ctx context.Context) error {
	rs, ok := r.t.(usb.Resetter)
	if !ok {
		return fmt.Errorf("usbtest: recorded transport %T cannot reset", r.t)
	}
	t := Transfer{Kind: Reset, Start: time.Since(r.start)}
	err := rs.Reset(ctx)
	r.add(t, err)
	return err
}

func (r *Record) add(t Transfer, err error) {
	t.Err = err
	t.End = time.Since(r.start)
	r.mu.Lock()
	r.transfers = append(r.transfers, t)
	r.mu.Unlock()
}

func clone(p []byte) []byte {
	if p == nil {
		return nil
	}
	return append([]byte{}, p...)
}

func clamp(n, max int) int {
	if n < 0 {
		return 0
	}
	if n > max {
		return max
	}
	return n
}
