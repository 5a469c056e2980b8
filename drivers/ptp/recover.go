package ptp

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

const (
	classOut = usb.DirOut | usb.TypeClass | usb.RecipIface
	classIn  = usb.DirIn | usb.TypeClass | usb.RecipIface
	// CLEAR_FEATURE(ENDPOINT_HALT), a standard request to an endpoint.
	reqClearFeature  = 0x01
	featEndpointHalt = 0
)

// fail classifies a transfer error of transaction tid, brings the camera back to a
// known state where that is possible, and returns the error to report.
func (c *conn) fail(op OpCode, tid uint32, phase string, err error) error {
	switch {
	case errors.Is(err, usb.ErrNoDevice):
		c.opts.Metrics.DeviceError("ptp", "unplugged")
		return fmt.Errorf("ptp: %v (%s): %w: %w", op, phase, capture.ErrUnplugged, err)
	case errors.Is(err, usb.ErrStall):
		c.opts.Metrics.DeviceError("ptp", "stall")
		st, rerr := c.clearStalls()
		if rerr != nil {
			return fmt.Errorf("ptp: %v (%s) stalled, and recovery failed (%v): %w", op, phase, rerr, err)
		}
		return fmt.Errorf("ptp: %v (%s) stalled (device status %v, endpoints cleared): %w", op, phase, st.Code, err)
	case errors.Is(err, usb.ErrTimeout), errors.Is(err, usb.ErrCancelled),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		kind := "timeout"
		if !errors.Is(err, usb.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
			kind = "cancelled"
		}
		c.opts.Metrics.DeviceError("ptp", kind)
		if cerr := c.cancel(tid); cerr != nil {
			return fmt.Errorf("ptp: %v (%s): %w (and cancelling it failed: %v)", op, phase, err, cerr)
		}
		return fmt.Errorf("ptp: %v (%s), transaction %d cancelled: %w", op, phase, tid, err)
	}
	c.opts.Metrics.DeviceError("ptp", "malformed")
	return fmt.Errorf("ptp: %v (%s): %w", op, phase, err)
}

// recoveryCtx is for requests sent after the caller's context may have ended.
func recoveryCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Second)
}

// cancel sends the Cancel class request for tid, then waits for the camera to report
// it is idle again and clears any endpoint it stalled.
func (c *conn) cancel(tid uint32) error {
	ctx, done := recoveryCtx()
	defer done()
	data := binary.LittleEndian.AppendUint16(nil, cancelCode)
	data = binary.LittleEndian.AppendUint32(data, tid)
	if _, err := c.t.Control(ctx, classOut, ReqCancel, 0, uint16(c.ep.iface), data); err != nil {
		return fmt.Errorf("cancel request: %w", err)
	}
	_, err := c.clearStalls()
	return err
}

// clearStalls polls Get Device Status until the camera is not busy, then clears the
// halt on every endpoint it lists.
func (c *conn) clearStalls() (DeviceStatus, error) {
	ctx, done := recoveryCtx()
	defer done()
	var st DeviceStatus
	for i := 0; ; i++ {
		buf := make([]byte, 64)
		n, err := c.t.Control(ctx, classIn, ReqGetDeviceStatus, 0, uint16(c.ep.iface), buf)
		if err != nil {
			return st, fmt.Errorf("get device status: %w", err)
		}
		if st, err = ParseDeviceStatus(buf[:n]); err != nil {
			return st, err
		}
		if st.Code != RespDeviceBusy || i == 20 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, ep := range st.HaltedEPs {
		if _, err := c.t.Control(ctx, usb.DirOut|usb.TypeStandard|usb.RecipEndpt, reqClearFeature, featEndpointHalt, uint16(ep), nil); err != nil {
			return st, fmt.Errorf("clear halt on %#02x: %w", ep, err)
		}
	}
	return st, nil
}

// readEvent reads one event container from the interrupt endpoint.
func (c *conn) readEvent(ctx context.Context) (Container, []uint32, error) {
	buf := make([]byte, 64)
	n, err := c.t.Read(ctx, c.ep.intr, buf)
	if err != nil {
		return Container{}, nil, err
	}
	ev, err := ParseContainer(buf[:n])
	if err == nil && ev.Type != TypeEvent {
		err = fmt.Errorf("%w: %v container on the interrupt endpoint", ErrProtocol, ev.Type)
	}
	if err != nil {
		return Container{}, nil, err
	}
	p, err := ev.Params()
	return ev, p, err
}
