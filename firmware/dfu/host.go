package dfu

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Options tune the host.
type Options struct {
	// Retries is how many times a failed download restarts from block 0 after clearing
	// the device's error (default 2).
	Retries int
	// MaxPollTimeout caps the poll interval a device may ask for (default 5 s), so a
	// device reporting nonsense cannot stall the update for hours.
	MaxPollTimeout time.Duration
	// Sleep waits between status polls; tests inject a fast clock. Default honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Progress reports bytes sent out of total and the current phase.
type Progress func(phase string, done, total int)

// Host talks DFU to one opened device. It does not own the transport.
type Host struct {
	t        usb.Transport
	iface    uint16
	protocol uint8
	fn       Functional
	opts     Options
}

// New finds the DFU interface of the device behind t.
func New(ctx context.Context, t usb.Transport, opts Options) (*Host, error) {
	iface, proto, fn, err := Interface(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("dfu: %s: %w", t.Descriptor(), err)
	}
	if opts.Retries == 0 {
		opts.Retries = 2
	}
	if opts.MaxPollTimeout == 0 {
		opts.MaxPollTimeout = 5 * time.Second
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	return &Host{t: t, iface: uint16(iface), protocol: proto, fn: fn, opts: opts}, nil
}

// Functional returns the device's DFU capabilities.
func (h *Host) Functional() Functional { return h.fn }

// InDFUMode reports whether the device enumerated in DFU mode (protocol 2).
func (h *Host) InDFUMode() bool { return h.protocol == ProtocolDFU }

// String names the device.
func (h *Host) String() string { return "dfu " + h.t.Descriptor().String() }

// Detach asks a run-time device to enter DFU mode at its next reset.
func (h *Host) Detach(ctx context.Context) error {
	timeout := h.fn.DetachTimeout
	if timeout == 0 {
		timeout = 1000
	}
	if _, err := h.t.Control(ctx, reqOut, ReqDetach, timeout, h.iface, nil); err != nil {
		return fmt.Errorf("dfu: DETACH: %w", err)
	}
	return nil
}

// GetStatus asks the device for its status.
func (h *Host) GetStatus(ctx context.Context) (Status, error) {
	b := make([]byte, 6)
	n, err := h.t.Control(ctx, reqIn, ReqGetStatus, 0, h.iface, b)
	if err != nil {
		return Status{}, fmt.Errorf("dfu: GETSTATUS: %w", err)
	}
	return ParseStatus(b[:n])
}

// GetState asks the device for its state only.
func (h *Host) GetState(ctx context.Context) (State, error) {
	b := make([]byte, 1)
	n, err := h.t.Control(ctx, reqIn, ReqGetState, 0, h.iface, b)
	if err != nil {
		return 0, fmt.Errorf("dfu: GETSTATE: %w", err)
	}
	if n != 1 {
		return 0, fmt.Errorf("%w: GETSTATE answer of %d bytes", ErrProtocol, n)
	}
	return State(b[0]), nil
}

// ClearStatus leaves dfuERROR for dfuIDLE.
func (h *Host) ClearStatus(ctx context.Context) error {
	if _, err := h.t.Control(ctx, reqOut, ReqClrStatus, 0, h.iface, nil); err != nil {
		return fmt.Errorf("dfu: CLRSTATUS: %w", err)
	}
	return nil
}

// Abort returns the device to dfuIDLE from an idle download or upload state.
func (h *Host) Abort(ctx context.Context) error {
	if _, err := h.t.Control(ctx, reqOut, ReqAbort, 0, h.iface, nil); err != nil {
		return fmt.Errorf("dfu: ABORT: %w", err)
	}
	return nil
}

// EnsureIdle brings a DFU-mode device to dfuIDLE: it clears an error and aborts an
// unfinished transfer.
func (h *Host) EnsureIdle(ctx context.Context) error {
	for try := 0; try < 3; try++ {
		st, err := h.GetStatus(ctx)
		if errors.Is(err, usb.ErrStall) {
			continue // a stalled GETSTATUS leaves dfuERROR; the next one reports it
		}
		if err != nil {
			return err
		}
		switch st.State {
		case Idle:
			return nil
		case Error:
			err = h.ClearStatus(ctx)
		case DnloadIdle, UploadIdle, DnloadSync, ManifestSync:
			err = h.Abort(ctx)
		default:
			return fmt.Errorf("%w: cannot reach dfuIDLE from %s", ErrProtocol, st.State)
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("%w: device does not settle in dfuIDLE", ErrProtocol)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
