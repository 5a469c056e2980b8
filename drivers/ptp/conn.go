package ptp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

// Errors the initiator returns (wrapped).
var (
	// ErrNoInterface means the device has no still-image (6/1/1) interface with bulk
	// IN, bulk OUT and interrupt IN endpoints.
	ErrNoInterface = errors.New("ptp: no PTP interface")
	// ErrProtocol means the camera answered out of turn (wrong transaction id or code).
	ErrProtocol = errors.New("ptp: protocol violation")
	// ErrBusy means the camera stayed DeviceBusy through every retry.
	ErrBusy = errors.New("ptp: camera busy")
)

// maxData bounds a data phase the initiator accepts (a RAW file is ~100 MB).
const maxData = 512 << 20

// OpError is an operation the camera answered with a response other than OK.
type OpError struct {
	Op   OpCode
	Code RespCode
}

// Error names the operation and the camera's response.
func (e *OpError) Error() string { return fmt.Sprintf("ptp: %v: camera answered %v", e.Op, e.Code) }

// Unwrap gives ErrBusy for DeviceBusy and capture.ErrNotSupported for
// OperationNotSupported, so callers can branch on the sentinels.
func (e *OpError) Unwrap() error {
	switch e.Code {
	case RespDeviceBusy:
		return ErrBusy
	case RespOperationNotSupported:
		return capture.ErrNotSupported
	}
	return nil
}

// Response is a transaction's response.
type Response struct {
	Code   RespCode
	Params []uint32
}

// endpoints of the PTP interface.
type endpoints struct {
	iface         uint8
	out, in, intr uint8
	maxPacket     int // bulk IN/OUT wMaxPacketSize
}

// findEndpoints locates the still-image interface in the device's first configuration.
func findEndpoints(d usb.DeviceDesc) (endpoints, error) {
	for _, cfg := range d.Configs {
		for _, it := range cfg.Interfaces {
			if it.Class != 6 || it.SubClass != 1 || it.Protocol != 1 {
				continue
			}
			ep := endpoints{iface: it.Number}
			for _, e := range it.Endpoints {
				switch {
				case e.Attributes&3 == 2 && e.Address&0x80 == 0:
					ep.out, ep.maxPacket = e.Address, int(e.MaxPacketSize)
				case e.Attributes&3 == 2:
					ep.in = e.Address
				case e.Attributes&3 == 3 && e.Address&0x80 != 0:
					ep.intr = e.Address
				}
			}
			if ep.out != 0 && ep.in != 0 && ep.intr != 0 && ep.maxPacket > 0 {
				return ep, nil
			}
		}
	}
	return endpoints{}, fmt.Errorf("%w on %v", ErrNoInterface, d)
}

// conn runs transactions on one camera. It is not safe for concurrent use; Dev
// serialises callers.
type conn struct {
	t         usb.Transport
	ep        endpoints
	opts      Options
	inSession bool
	nextTID   uint32
	lastTID   uint32 // of the last transaction sent
	buf       []byte
}

func newConn(t usb.Transport, ep endpoints, o Options) *conn {
	// Reads use a buffer that is a whole number of packets, so a transfer never
	// overflows and a full buffer means "no short packet yet".
	n := (128 << 10) / ep.maxPacket * ep.maxPacket
	return &conn{t: t, ep: ep, opts: o, buf: make([]byte, max(n, ep.maxPacket))}
}

// transact runs op, retrying while the camera answers DeviceBusy. out, if not nil, is
// sent as the data phase; data received from the camera is returned.
func (c *conn) transact(ctx context.Context, op OpCode, params []uint32, out []byte) (Response, []byte, error) {
	backoff := c.opts.BusyBackoff
	for attempt := 0; ; attempt++ {
		r, data, err := c.once(ctx, op, params, out)
		if err != nil || r.Code != RespDeviceBusy || attempt >= c.opts.BusyRetries {
			if err == nil && r.Code != RespOK {
				err = &OpError{Op: op, Code: r.Code}
			}
			return r, data, err
		}
		c.opts.Metrics.DeviceError("ptp", "busy")
		select {
		case <-ctx.Done():
			return r, nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// tid allocates the transaction id for op: 0 outside a session (and for OpenSession),
// then 1, 2, … within it.
func (c *conn) tid(op OpCode) uint32 {
	if !c.inSession || op == OpOpenSession {
		return 0
	}
	id := c.nextTID
	c.nextTID++
	if c.nextTID == 0xFFFFFFFF { // reserved
		c.nextTID = 1
	}
	return id
}

// once runs one transaction: command, optional data phase, response.
func (c *conn) once(ctx context.Context, op OpCode, params []uint32, out []byte) (Response, []byte, error) {
	tid := c.tid(op)
	c.lastTID = tid
	cmd := NewParamContainer(TypeCommand, uint16(op), tid, params...).Marshal()
	if err := c.write(ctx, cmd); err != nil {
		return Response{}, nil, c.fail(op, tid, "command", err)
	}
	if out != nil {
		if err := c.writeData(ctx, op, tid, out); err != nil {
			return Response{}, nil, c.fail(op, tid, "data out", err)
		}
	}
	resp, data, err := c.readPhase(ctx, op, tid)
	if err != nil {
		return Response{}, nil, c.fail(op, tid, "data in / response", err)
	}
	p, err := resp.Params()
	if err != nil {
		return Response{}, nil, fmt.Errorf("ptp: %v response: %w", op, err)
	}
	return Response{Code: RespCode(resp.Code), Params: p}, data, nil
}

// writeData sends a data container, then a zero-length packet if its length is a
// whole number of packets (else the camera cannot tell the phase has ended).
func (c *conn) writeData(ctx context.Context, op OpCode, tid uint32, payload []byte) error {
	b := Container{Type: TypeData, Code: uint16(op), TID: tid, Payload: payload}.Marshal()
	if err := c.write(ctx, b); err != nil {
		return err
	}
	if len(b)%c.ep.maxPacket == 0 {
		return c.write(ctx, nil)
	}
	return nil
}

func (c *conn) write(ctx context.Context, b []byte) error {
	tctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	_, err := c.t.Write(tctx, c.ep.out, b)
	return err
}

func (c *conn) read(ctx context.Context, buf []byte) (int, error) {
	tctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	return c.t.Read(tctx, c.ep.in, buf)
}
