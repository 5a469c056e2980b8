package emu

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/ptp"
	"github.com/enrolld/enrolld/drivers/usb"
)

// raw sends one command container and returns the response code (reading past any
// data phase).
func raw(t *testing.T, c *Camera, op ptp.OpCode, tid uint32, params ...uint32) ptp.RespCode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := c.Write(ctx, EPOut, ptp.NewParamContainer(ptp.TypeCommand, uint16(op), tid, params...).Marshal()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<16)
	for {
		n, err := c.Read(ctx, EPIn, buf)
		if err != nil {
			t.Fatalf("%v: %v", op, err)
		}
		h, err := ptp.ParseHeader(buf[:n])
		if err == nil && h.Type == ptp.TypeResponse {
			return ptp.RespCode(h.Code)
		}
	}
}

func TestChecks(t *testing.T) {
	c := New(nil)
	defer c.Close()
	steps := []struct {
		op     ptp.OpCode
		tid    uint32
		params []uint32
		want   ptp.RespCode
	}{
		{ptp.OpGetDeviceInfo, 0, nil, ptp.RespOK},
		{ptp.OpGetObject, 0, []uint32{1}, ptp.RespSessionNotOpen},
		{ptp.OpOpenSession, 5, []uint32{1}, ptp.RespInvalidTransactionID},
		{ptp.OpOpenSession, 0, []uint32{0}, ptp.RespInvalidParameter},
		{ptp.OpOpenSession, 0, []uint32{1}, ptp.RespOK},
		{ptp.OpOpenSession, 0, []uint32{1}, ptp.RespSessionAlreadyOpen},
		{ptp.OpGetStorageIDs, 1, nil, ptp.RespOK},
		{ptp.OpGetStorageIDs, 3, nil, ptp.RespInvalidTransactionID},
		{ptp.OpGetObjectInfo, 2, nil, ptp.RespInvalidParameter},
		{ptp.OpGetObjectInfo, 3, []uint32{0xdead}, ptp.RespInvalidObjectHandle},
		{ptp.OpCode(0x1019), 4, nil, ptp.RespOperationNotSupported},
		{ptp.OpCanonGetViewFinderData, 4, []uint32{0x100000, 0, 0}, ptp.RespCanonNotReady},
		{ptp.OpCloseSession, 5, nil, ptp.RespOK},
	}
	for i, s := range steps {
		if got := raw(t, c, s.op, s.tid, s.params...); got != s.want {
			t.Errorf("step %d: %v tid=%d -> %v, want %v", i, s.op, s.tid, got, s.want)
		}
	}
	v := strings.Join(c.Violations(), "\n")
	for _, want := range []string{"outside a session", "OpenSession with transaction id 5", "with transaction id 3, want 2", "0 parameters"} {
		if !strings.Contains(v, want) {
			t.Errorf("violations %q lack %q", v, want)
		}
	}
}

func TestMissingZLPIsAViolation(t *testing.T) {
	c := New(&Options{MaxPacket: 64})
	defer c.Close()
	ctx := context.Background()
	raw(t, c, ptp.OpOpenSession, 0, 1)
	c.Write(ctx, EPOut, ptp.NewParamContainer(ptp.TypeCommand, uint16(ptp.OpSetDevicePropValue), 1, 0xD001).Marshal())
	c.Write(ctx, EPOut, ptp.Container{Type: ptp.TypeData, Code: uint16(ptp.OpSetDevicePropValue), TID: 1, Payload: make([]byte, 52)}.Marshal())
	// No zero-length packet: the camera cannot know the phase ended, so no response.
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := c.Read(short, EPIn, make([]byte, 64)); !errors.Is(err, usb.ErrTimeout) {
		t.Fatalf("response without the ZLP: %v", err)
	}
	raw(t, c, ptp.OpGetStorageIDs, 2)
	if v := c.Violations(); len(v) != 1 || !strings.Contains(v[0], "zero-length") {
		t.Errorf("violations %q", v)
	}
}

func TestCancelAndStatus(t *testing.T) {
	c := New(nil)
	defer c.Close()
	ctx := context.Background()
	raw(t, c, ptp.OpOpenSession, 0, 1)
	c.Inject(FaultStall)
	c.Write(ctx, EPOut, ptp.NewParamContainer(ptp.TypeCommand, uint16(ptp.OpGetStorageIDs), 1).Marshal())
	if _, err := c.Read(ctx, EPIn, make([]byte, 512)); !errors.Is(err, usb.ErrStall) {
		t.Fatalf("stalled read: %v", err)
	}
	buf := make([]byte, 64)
	n, _ := c.Control(ctx, 0xA1, ptp.ReqGetDeviceStatus, 0, 0, buf)
	st, err := ptp.ParseDeviceStatus(buf[:n])
	if err != nil || len(st.HaltedEPs) != 1 || st.HaltedEPs[0] != EPIn {
		t.Fatalf("status %+v, %v", st, err)
	}
	c.Control(ctx, 0x02, 0x01, 0, uint16(EPIn), nil)
	cancelReq := binary.LittleEndian.AppendUint32([]byte{0x01, 0x40}, 1)
	if _, err := c.Control(ctx, 0x21, ptp.ReqCancel, 0, 0, cancelReq); err != nil {
		t.Fatal(err)
	}
	if got := raw(t, c, ptp.OpGetStorageIDs, 2); got != ptp.RespOK {
		t.Errorf("after clearing the stall: %v", got)
	}
	if _, err := c.Control(ctx, 0x21, ptp.ReqCancel, 0, 0, []byte{1}); !errors.Is(err, usb.ErrStall) {
		t.Errorf("malformed cancel request: %v", err)
	}
	c.Unplug()
	if _, err := c.Write(ctx, EPOut, []byte{1}); !errors.Is(err, usb.ErrNoDevice) {
		t.Errorf("write after unplug: %v", err)
	}
}
