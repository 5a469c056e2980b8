package ptp

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

// scriptedIn is a transport whose bulk IN transfers come from a script: each is a u16
// length then that many bytes. Writes succeed; control requests answer "OK, idle".
type scriptedIn struct{ script []byte }

func (s *scriptedIn) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	if len(s.script) < 2 {
		return 0, usb.ErrTimeout
	}
	n := int(binary.LittleEndian.Uint16(s.script))
	s.script = s.script[2:]
	n = min(n, len(s.script))
	chunk := s.script[:n]
	s.script = s.script[n:]
	if len(chunk) > len(buf) {
		return copy(buf, chunk), usb.ErrOverflow
	}
	return copy(buf, chunk), nil
}

func (s *scriptedIn) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	return len(data), nil
}

func (s *scriptedIn) Control(ctx context.Context, rType, req uint8, v, i uint16, data []byte) (int, error) {
	return copy(data, DeviceStatus{Code: RespOK}.Marshal()), nil
}

func (s *scriptedIn) Descriptor() usb.DeviceDesc { return usb.DeviceDesc{} }

func script(transfers ...[]byte) []byte {
	var b []byte
	for _, t := range transfers {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(t)))
		b = append(b, t...)
	}
	return b
}

// FuzzReadPhase feeds arbitrary transfers to the initiator's data-phase and response
// reader: it must return data or an error, never panic or hang.
func FuzzReadPhase(f *testing.F) {
	data := Container{Type: TypeData, Code: uint16(OpGetObject), TID: 1, Payload: make([]byte, 52)}.Marshal()
	ok := NewParamContainer(TypeResponse, uint16(RespOK), 1).Marshal()
	f.Add(script(ok))
	f.Add(script(data, []byte{}, ok))
	f.Add(script(data[:40], data[40:], ok))
	f.Add(script(NewParamContainer(TypeResponse, uint16(RespDeviceBusy), 1).Marshal()))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr := &scriptedIn{script: b}
		c := newConn(tr, endpoints{out: 1, in: 0x82, intr: 0x83, maxPacket: 64}, (&Options{BusyRetries: 2, BusyBackoff: 1}).withDefaults())
		c.inSession, c.nextTID = true, 1
		r, d, err := c.transact(context.Background(), OpGetObject, []uint32{1}, nil)
		if err == nil && (r.Code != RespOK || len(r.Params) > MaxParams || len(d) > maxData) {
			t.Fatalf("accepted %+v with %d bytes", r, len(d))
		}
	})
}
