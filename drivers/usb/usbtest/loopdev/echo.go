package loopdev

import (
	"context"
	"encoding/binary"
	"fmt"
)

// event is one message from the interrupt endpoint.
type event struct {
	kind, seq byte
	length    int
	err       error
}

// Echo sends data (at most MaxPacket bytes) and returns the device's answer. As a
// driver for a real device would, it listens for the "echo ready" event before
// sending, so the event cannot be missed, then fetches the answer from the bulk
// IN endpoint.
func (d *Dev) Echo(ctx context.Context, data []byte) ([]byte, error) {
	if len(data) == 0 || len(data) > MaxPacket {
		return nil, fmt.Errorf("loopdev: echo of %d bytes: want 1 to %d", len(data), MaxPacket)
	}
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	events := make(chan event, 1)
	go func() { events <- d.readEvent(ctx) }()
	if _, err := d.t.Write(ctx, EndpointOut, data); err != nil {
		cancel()
		<-events
		return nil, fmt.Errorf("loopdev: sending %d bytes: %w", len(data), err)
	}
	ev := <-events
	if ev.err != nil {
		return nil, fmt.Errorf("loopdev: waiting for the echo: %w", ev.err)
	}
	if ev.kind != EventEchoed || ev.length != len(data) {
		return nil, fmt.Errorf("%w: event %02x announces %d bytes, sent %d", ErrProtocol, ev.kind, ev.length, len(data))
	}
	buf := make([]byte, MaxPacket)
	n, err := d.t.Read(ctx, EndpointIn, buf)
	if err != nil {
		return nil, fmt.Errorf("loopdev: reading the echo: %w", err)
	}
	if n != ev.length {
		return nil, fmt.Errorf("%w: echo of %d bytes, announced %d", ErrProtocol, n, ev.length)
	}
	return buf[:n], nil
}

// readEvent reads one event from the interrupt endpoint.
func (d *Dev) readEvent(ctx context.Context) event {
	buf := make([]byte, EventSize)
	n, err := d.t.Read(ctx, EndpointEvents, buf)
	if err != nil {
		return event{err: err}
	}
	if n != EventSize {
		return event{err: fmt.Errorf("%w: %d-byte event, want %d", ErrProtocol, n, EventSize)}
	}
	return event{kind: buf[0], seq: buf[1], length: int(binary.LittleEndian.Uint16(buf[2:]))}
}
