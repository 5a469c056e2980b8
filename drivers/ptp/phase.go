package ptp

import (
	"context"
	"fmt"
)

// readPhase reads the camera's data phase (if any) and the response of transaction tid.
// The data phase ends when the bytes its header announced have arrived; if that length
// is a whole number of packets, the camera then sends a zero-length packet, which is
// read here unless the transfer that carried the last bytes already ended on it.
func (c *conn) readPhase(ctx context.Context, op OpCode, tid uint32) (Container, []byte, error) {
	n, h, err := c.readFirst(ctx, tid)
	if err != nil {
		return Container{}, nil, err
	}
	var data []byte
	if h.Type == TypeData {
		if data, err = c.readData(ctx, op, tid, h, n); err != nil {
			return Container{}, nil, err
		}
		if n, err = c.read(ctx, c.buf); err != nil {
			return Container{}, nil, err
		}
	}
	resp, err := ParseContainer(c.buf[:n])
	if err != nil {
		return Container{}, nil, err
	}
	if resp.Type != TypeResponse || resp.TID != tid {
		return Container{}, nil, fmt.Errorf("%w: expected the response to %v (transaction %d), got %v %#04x for transaction %d",
			ErrProtocol, op, tid, resp.Type, resp.Code, resp.TID)
	}
	return resp, data, nil
}

// readData collects a data phase whose first n bytes (header h included) are in c.buf.
func (c *conn) readData(ctx context.Context, op OpCode, tid uint32, h Header, n int) ([]byte, error) {
	if h.Code != uint16(op) || h.TID != tid {
		return nil, fmt.Errorf("%w: data phase for %#04x transaction %d during %v transaction %d", ErrProtocol, h.Code, h.TID, op, tid)
	}
	if h.Length > maxData {
		return nil, fmt.Errorf("%w data phase: %d bytes announced, limit %d", ErrMalformed, h.Length, maxData)
	}
	total := int(h.Length)
	if n > total {
		return nil, fmt.Errorf("%w data phase: %d bytes announced, %d received", ErrMalformed, total, n)
	}
	if n < total && n < len(c.buf) {
		return nil, fmt.Errorf("%w data phase: short packet at %d of %d bytes", ErrMalformed, n, total)
	}
	// Grow as bytes arrive rather than trusting the announced length with memory.
	data := make([]byte, 0, min(total-HeaderLen, 1<<20))
	data = append(data, c.buf[HeaderLen:n]...)
	got, lastFull := n, n == len(c.buf)
	for got < total {
		want := min(len(c.buf), (total-got+c.ep.maxPacket-1)/c.ep.maxPacket*c.ep.maxPacket)
		m, err := c.read(ctx, c.buf[:want])
		if err != nil {
			return nil, err
		}
		if got+m > total || m == 0 || (m < want && got+m < total) {
			return nil, fmt.Errorf("%w data phase: ended at %d of %d bytes", ErrMalformed, got+m, total)
		}
		data = append(data, c.buf[:m]...)
		got, lastFull = got+m, m == want
	}
	if total%c.ep.maxPacket == 0 && lastFull {
		m, err := c.read(ctx, c.buf[:c.ep.maxPacket])
		if err != nil {
			return nil, fmt.Errorf("zero-length packet after %d bytes: %w", total, err)
		}
		if m != 0 {
			return nil, fmt.Errorf("%w data phase: %d bytes where the zero-length packet belongs", ErrMalformed, m)
		}
	}
	return data, nil
}

// readFirst reads the first transfer of the camera's answer to transaction tid,
// skipping late responses to earlier transactions (a camera that answered after the
// initiator had given up and cancelled).
func (c *conn) readFirst(ctx context.Context, tid uint32) (int, Header, error) {
	for skipped := 0; ; skipped++ {
		n, err := c.read(ctx, c.buf)
		if err != nil {
			return 0, Header{}, err
		}
		h, err := ParseHeader(c.buf[:n])
		if err != nil {
			return 0, h, err
		}
		stale := h.Type == TypeResponse && h.TID < tid && int(h.Length) == n
		if !stale || skipped == 3 {
			return n, h, nil
		}
	}
}
