package emu

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/enrolld/enrolld/drivers/ptp"
	"github.com/enrolld/enrolld/drivers/usb"
)

// Read serves bulk IN (packet by packet, ending the transfer at a short packet or a
// full buffer, as a host controller does) and interrupt IN (one event per transfer).
func (c *Camera) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	for {
		c.mu.Lock()
		if c.unplugged {
			c.mu.Unlock()
			return 0, fmt.Errorf("ptp/emu: %w", usb.ErrNoDevice)
		}
		var n int
		var err error
		ready := false
		switch ep {
		case EPIn:
			if c.stalledIn {
				c.mu.Unlock()
				return 0, fmt.Errorf("ptp/emu: bulk IN: %w", usb.ErrStall)
			}
			if len(c.in) > 0 {
				n, err, ready = c.readPackets(buf), nil, true
				if n < 0 {
					n, err = 0, fmt.Errorf("ptp/emu: %d-byte buffer: %w", len(buf), usb.ErrOverflow)
				}
			}
		case EPIntr:
			if len(c.events) > 0 {
				ev := c.events[0]
				c.events = c.events[1:]
				if len(ev) > len(buf) {
					n, err = 0, fmt.Errorf("ptp/emu: event of %d bytes: %w", len(ev), usb.ErrOverflow)
				} else {
					n = copy(buf, ev)
				}
				ready = true
			}
		default:
			c.mu.Unlock()
			return 0, fmt.Errorf("ptp/emu: no IN endpoint %#02x: %w", ep, usb.ErrStall)
		}
		wake := c.wake
		c.mu.Unlock()
		if ready {
			return n, err
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return 0, waitErr(ctx)
		}
	}
}

// readPackets moves whole packets into buf; -1 means a packet did not fit. c.mu is held.
func (c *Camera) readPackets(buf []byte) int {
	n := 0
	for len(c.in) > 0 {
		p := c.in[0]
		if len(p) > len(buf)-n {
			if n == 0 {
				c.in = c.in[1:] // babble: the packet is lost
				return -1
			}
			return n
		}
		n += copy(buf[n:], p)
		c.in = c.in[1:]
		if len(p) < c.opts.MaxPacket || n == len(buf) {
			return n
		}
	}
	return n
}

// Write receives bulk OUT: commands and data-out phases, possibly split over several
// transfers, and the zero-length packet that ends a data phase of whole packets.
func (c *Camera) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unplugged {
		return 0, fmt.Errorf("ptp/emu: %w", usb.ErrNoDevice)
	}
	if ep != EPOut {
		return 0, fmt.Errorf("ptp/emu: no OUT endpoint %#02x: %w", ep, usb.ErrStall)
	}
	if len(data) == 0 {
		if c.awaitZLP {
			c.awaitZLP = false
			c.finishDataOut()
		}
		return 0, nil
	}
	if c.awaitZLP {
		c.violation("data phase of %d bytes (whole packets) not ended by a zero-length packet", len(c.out))
		c.awaitZLP, c.pending, c.out = false, nil, nil
	}
	c.out = append(c.out, data...)
	c.takeContainer()
	return len(data), nil
}

// takeContainer acts on c.out once it holds a whole container. c.mu is held.
func (c *Camera) takeContainer() {
	if len(c.out) < ptp.HeaderLen {
		return
	}
	h, err := ptp.ParseHeader(c.out)
	if err != nil {
		c.violation("bad container from host: %v", err)
		c.out = nil
		return
	}
	if len(c.out) < int(h.Length) {
		return
	}
	if len(c.out) > int(h.Length) {
		c.violation("%d bytes after a %d-byte container in one transfer", len(c.out)-int(h.Length), h.Length)
	}
	ct, _ := ptp.ParseContainer(c.out[:h.Length])
	switch {
	case ct.Type == ptp.TypeCommand:
		c.out = nil
		c.command(ct)
	case ct.Type == ptp.TypeData && c.pending != nil:
		if int(h.Length)%c.opts.MaxPacket == 0 {
			c.awaitZLP = true // c.out kept until the ZLP
			return
		}
		c.finishDataOut()
	default:
		c.violation("unexpected %v container %#04x tid=%d", ct.Type, ct.Code, ct.TID)
		c.out = nil
	}
}

// Control answers the PTP class requests and CLEAR_FEATURE(ENDPOINT_HALT).
func (c *Camera) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unplugged {
		return 0, fmt.Errorf("ptp/emu: %w", usb.ErrNoDevice)
	}
	switch {
	case rType == usb.DirOut|usb.TypeStandard|usb.RecipEndpt && request == 0x01 && value == 0:
		if uint8(index) == EPIn {
			c.stalledIn = false
		}
		return 0, nil
	case rType == usb.DirOut|usb.TypeClass|usb.RecipIface && request == ptp.ReqCancel:
		if len(data) != 6 || binary.LittleEndian.Uint16(data) != 0x4001 {
			c.violation("malformed cancel request % x", data)
			return 0, fmt.Errorf("ptp/emu: cancel: %w", usb.ErrStall)
		}
		c.cancel(binary.LittleEndian.Uint32(data[2:]))
		return 0, nil
	case rType == usb.DirIn|usb.TypeClass|usb.RecipIface && request == ptp.ReqGetDeviceStatus:
		st := ptp.DeviceStatus{Code: ptp.RespOK}
		if c.stalledIn {
			st = ptp.DeviceStatus{Code: ptp.RespTransactionCancelled, HaltedEPs: []uint8{EPIn}}
		}
		return copy(data, st.Marshal()), nil
	case rType == usb.DirOut|usb.TypeClass|usb.RecipIface && request == ptp.ReqDeviceReset:
		c.session, c.lastTID, c.remote, c.evfOn = 0, 0, false, false
		c.cancel(0)
		return 0, nil
	}
	return 0, fmt.Errorf("ptp/emu: control %#02x/%#02x: %w", rType, request, usb.ErrStall)
}

// cancel abandons the current transaction: queued IN data, a pending data-out phase
// and a swallowed command. c.mu is held.
func (c *Camera) cancel(tid uint32) {
	c.in, c.out, c.pending, c.awaitZLP = nil, nil, nil, false
	if c.late != nil {
		c.in, c.late = append(c.in, c.late), nil
	}
	c.log = append(c.log, fmt.Sprintf("cancel tid=%d", tid))
	c.signal()
}
