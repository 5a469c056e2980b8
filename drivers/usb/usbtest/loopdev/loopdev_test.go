package loopdev

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

func TestEmulatorControl(t *testing.T) {
	ctx := context.Background()
	const in, out = usb.DirIn | usb.TypeVendor, usb.DirOut | usb.TypeVendor
	tests := []struct {
		name           string
		rType, req     uint8
		reg            uint16
		data           []byte
		wantErr        error
		wantN          int
		wantAfterValue uint16 // value of reg read back afterwards, when no error
	}{
		{"get version", in, ReqGetRegister, RegVersion, make([]byte, 2), nil, 2, Version},
		{"set scratch", out, ReqSetRegister, RegScratch, []byte{0x34, 0x12}, nil, 2, 0x1234},
		{"set mode", out, ReqSetRegister, RegMode, []byte{ModeReverse, 0}, nil, 2, ModeReverse},
		{"bad mode", out, ReqSetRegister, RegMode, []byte{7, 0}, usb.ErrStall, 0, 0},
		{"read-only version", out, ReqSetRegister, RegVersion, []byte{0, 2}, usb.ErrStall, 0, 0},
		{"read-only count", out, ReqSetRegister, RegCount, []byte{0, 2}, usb.ErrStall, 0, 0},
		{"no such register", in, ReqGetRegister, 9, make([]byte, 2), usb.ErrStall, 0, 0},
		{"wrong length", in, ReqGetRegister, RegVersion, make([]byte, 4), usb.ErrStall, 0, 0},
		{"unknown request", in, 0x07, 0, make([]byte, 2), usb.ErrStall, 0, 0},
		{"class request", usb.DirIn | usb.TypeClass, ReqGetRegister, 0, make([]byte, 2), usb.ErrStall, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEmulator()
			n, err := e.Control(ctx, tc.rType, tc.req, tc.reg, 0, tc.data)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) || n != tc.wantN {
				t.Fatalf("Control = %d, %v; want %d, %v", n, err, tc.wantN, tc.wantErr)
			}
			if tc.wantErr != nil {
				return
			}
			buf := make([]byte, 2)
			if _, err := e.Control(ctx, in, ReqGetRegister, tc.reg, 0, buf); err != nil {
				t.Fatal(err)
			}
			if got := binary.LittleEndian.Uint16(buf); got != tc.wantAfterValue {
				t.Errorf("register %#x = %#x, want %#x", tc.reg, got, tc.wantAfterValue)
			}
		})
	}
}

func TestEmulatorEndpoints(t *testing.T) {
	ctx := context.Background()
	e := NewEmulator()
	if _, err := e.Write(ctx, EndpointIn, []byte{1}); !errors.Is(err, usb.ErrStall) {
		t.Errorf("write to an IN endpoint: %v", err)
	}
	if _, err := e.Write(ctx, EndpointOut, make([]byte, MaxPacket+1)); !errors.Is(err, usb.ErrStall) {
		t.Errorf("oversized write: %v", err)
	}
	if _, err := e.Write(ctx, EndpointOut, []byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	if n, err := e.Read(ctx, EndpointIn, make([]byte, 4)); !errors.Is(err, usb.ErrOverflow) || n != 4 {
		t.Errorf("short buffer: %d, %v; want overflow", n, err)
	}
	if _, err := e.Read(ctx, 0x83, make([]byte, 4)); !errors.Is(err, usb.ErrStall) {
		t.Errorf("read from a missing endpoint: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Read(cctx, EndpointIn, make([]byte, 64)); !errors.Is(err, usb.ErrCancelled) {
		t.Errorf("cancelled read: %v", err)
	}
	e.StallNext(EndpointEvents)
	if _, err := e.Read(ctx, EndpointEvents, make([]byte, 8)); !errors.Is(err, usb.ErrStall) {
		t.Errorf("injected stall: %v", err)
	}
	if n, err := e.Read(ctx, EndpointEvents, make([]byte, 8)); err != nil || n != 8 {
		t.Errorf("event after the stall: %d, %v", n, err)
	}
}

func TestEmulatorUnplugEndsPendingRead(t *testing.T) {
	e := NewEmulator()
	done := make(chan error)
	go func() {
		_, err := e.Read(context.Background(), EndpointEvents, make([]byte, 8))
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	e.Unplug()
	if err := <-done; !errors.Is(err, usb.ErrNoDevice) {
		t.Errorf("pending read after unplug: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	ctx := context.Background()
	other := &usbtest.Transcript{Device: usb.DeviceDesc{ID: usb.ID{Vendor: 0x05ba, Product: 0x000a}}}
	if _, err := New(ctx, usbtest.NewPlayback(other), nil); !errors.Is(err, ErrNotLoopback) || !strings.Contains(err.Error(), "05ba:000a") {
		t.Errorf("other device: %v", err)
	}
	v2 := &usbtest.Transcript{Device: Descriptor(), Transfers: []usbtest.Transfer{{Kind: usbtest.Control,
		RequestType: 0xc0, Request: ReqGetRegister, Length: 2, In: []byte{0, 2}}}}
	if _, err := New(ctx, usbtest.NewPlayback(v2), nil); !errors.Is(err, ErrNotLoopback) || !strings.Contains(err.Error(), "firmware 2.00") {
		t.Errorf("firmware 2: %v", err)
	}
	short := &usbtest.Transcript{Device: Descriptor(), Transfers: []usbtest.Transfer{{Kind: usbtest.Control,
		RequestType: 0xc0, Request: ReqGetRegister, Length: 2, In: []byte{2}}}}
	if _, err := New(ctx, usbtest.NewPlayback(short), nil); !errors.Is(err, ErrProtocol) {
		t.Errorf("one-byte answer: %v", err)
	}
}

func TestDriverFaults(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		fault func(*Emulator)
		data  []byte
		want  error
	}{
		{"stalled write", func(e *Emulator) { e.StallNext(EndpointOut) }, []byte("x"), usb.ErrStall},
		{"stalled event", func(e *Emulator) { e.StallNext(EndpointEvents) }, []byte("x"), usb.ErrStall},
		{"stalled echo", func(e *Emulator) { e.StallNext(EndpointIn) }, []byte("x"), usb.ErrStall},
		{"unplugged", func(e *Emulator) { e.Unplug() }, []byte("x"), usb.ErrNoDevice},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEmulator()
			d, err := New(ctx, e, nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.fault(e)
			if _, err := d.Echo(ctx, tc.data); !errors.Is(err, tc.want) {
				t.Errorf("Echo: %v, want %v", err, tc.want)
			}
		})
	}
	d, _ := New(ctx, NewEmulator(), nil)
	for _, n := range []int{0, MaxPacket + 1} {
		if _, err := d.Echo(ctx, make([]byte, n)); err == nil {
			t.Errorf("Echo of %d bytes succeeded", n)
		}
	}
}

func TestDriverTimesOutWithoutEvent(t *testing.T) {
	// A device that swallows the packet and never announces it.
	tr := &usbtest.Transcript{Device: Descriptor(), Transfers: []usbtest.Transfer{
		{Kind: usbtest.Control, RequestType: 0xc0, Request: ReqGetRegister, Length: 2, In: []byte{2, 1}},
		{Kind: usbtest.Write, Endpoint: EndpointOut, Out: []byte("x"), Length: 1},
		{Kind: usbtest.Read, Endpoint: EndpointEvents, Length: EventSize, Err: usb.ErrTimeout},
	}}
	pb := usbtest.NewPlayback(tr)
	d, err := New(context.Background(), pb, &Opts{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Echo(context.Background(), []byte("x")); !errors.Is(err, usb.ErrTimeout) {
		t.Errorf("Echo: %v, want timeout", err)
	}
	if err := pb.Close(); err != nil {
		t.Error(err)
	}
}
