package emu

import (
	"bytes"
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/usb"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newTestEmu(t *testing.T, o Options) *Emulator {
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func write(t *testing.T, e *Emulator, reg uint16, data ...byte) {
	t.Helper()
	if _, err := e.Control(testCtx(t), uru4000.RequestTypeWrite, uru4000.RequestRegister, reg, 0, data); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, e *Emulator, reg uint16, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := e.Control(testCtx(t), uru4000.RequestTypeRead, uru4000.RequestRegister, reg, 0, b); err != nil {
		t.Fatal(err)
	}
	return b
}

func event(t *testing.T, e *Emulator) uint16 {
	t.Helper()
	b := make([]byte, 64)
	n, err := e.Read(testCtx(t), uru4000.EndpointInterrupt, b)
	if err != nil || n != 64 {
		t.Fatalf("interrupt read: %d bytes, %v", n, err)
	}
	return uint16(b[0])<<8 | uint16(b[1])
}

func TestWindowCentresCropsAndPads(t *testing.T) {
	small := image.NewGray(image.Rect(0, 0, 4, 2))
	for i := range small.Pix {
		small.Pix[i] = byte(i)
	}
	w := Window(small)
	ox, oy := (uru4000.Width-4)/2, (uru4000.Height-2)/2
	if w[oy*uru4000.Width+ox] != 0 || w[(oy+1)*uru4000.Width+ox+3] != 7 || w[0] != 255 || w[oy*uru4000.Width+ox-1] != 255 {
		t.Error("small image not centred on white")
	}
	big := image.NewGray(image.Rect(10, 10, 10+uru4000.Width+2, 10+uru4000.Height+4))
	for i := range big.Pix {
		big.Pix[i] = 100
	}
	big.Pix[2*big.Stride+1] = 7 // (1, 2) in image coordinates: the crop's corner
	w = Window(big)
	if w[0] != 7 || w[1] != 100 || w[len(w)-1] != 100 {
		t.Errorf("large image not cropped around its centre: %d %d %d", w[0], w[1], w[len(w)-1])
	}
	if !bytes.Equal(Window(nil), blankWindow()) {
		t.Error("nil image is not a blank window")
	}
}

func TestScrambleMatchesTheFormula(t *testing.T) {
	// Against the protocol description written out longhand.
	update := func(k uint32) uint32 {
		b := k & 0x9248144d
		b ^= b << 16
		b ^= b << 8
		b ^= b << 4
		b ^= b << 2
		b ^= b << 1
		return b&0x80000000 | k>>1
	}
	k := uint32(0x0badf00d)
	for range 10000 {
		if step(k) != update(k) {
			t.Fatalf("step(%#08x) = %#08x, want %#08x", k, step(k), update(k))
		}
		x := byte(k>>4&1 | k>>8&1<<1 | k>>11&1<<2 | k>>14&1<<3 | k>>18&1<<4 | k>>21&1<<5 | k>>24&1<<6 | k>>29&1<<7)
		if mask(k) != x {
			t.Fatalf("mask(%#08x) = %#02x, want %#02x", k, mask(k), x)
		}
		k = update(k) ^ k*2654435761
	}
}

func TestDeviceKeysDifferPerNumber(t *testing.T) {
	seen := map[uint32]bool{}
	for n := range 256 {
		seen[deviceKey(DefaultSecret, byte(n))] = true
	}
	if len(seen) != 256 {
		t.Errorf("%d distinct keys for 256 key numbers", len(seen))
	}
}

func TestPowerUpRaisesPowerOn(t *testing.T) {
	e := newTestEmu(t, Options{})
	if v := read(t, e, uru4000.RegHWStat, 1)[0]; v != 0x01 {
		t.Fatalf("HWSTAT at plug-in = %#02x, want 01", v)
	}
	write(t, e, uru4000.RegHWStat, 0x81)
	write(t, e, uru4000.RegHWStat, 0x01)
	if ev := event(t, e); ev != uru4000.EventPowerOn {
		t.Fatalf("event %#04x, want 56aa", ev)
	}
	if st := e.Stats(); st.PowerUps != 1 {
		t.Errorf("%d power-ups", st.PowerUps)
	}
}

func TestKeyExchange(t *testing.T) {
	e := newTestEmu(t, Options{Secret: 77})
	write(t, e, uru4000.RegScrambleIndex, 3, 0x78, 0x56, 0x34, 0x12)
	b := read(t, e, uru4000.RegScrambleKey, 4)
	got := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
	if got^0x12345678 != deviceKey(77, 3) {
		t.Fatalf("key register %#08x does not hide key 3 under the seed", got)
	}
	if _, err := e.Control(testCtx(t), uru4000.RequestTypeWrite, uru4000.RequestRegister, uru4000.RegScrambleIndex, 0, []byte{1, 2}); !errors.Is(err, usb.ErrStall) {
		t.Errorf("short scramble index: err = %v, want stall", err)
	}
}

func TestModesRaiseFingerEvents(t *testing.T) {
	e := newTestEmu(t, Options{})
	write(t, e, uru4000.RegHWStat, 0x81)
	write(t, e, uru4000.RegHWStat, 0x01)
	event(t, e)
	write(t, e, uru4000.RegMode, uru4000.ModeAwaitFingerOn)
	e.Present(Fingerprint(100, 100, 1))
	for _, want := range []uint16{0x56aa, 0x56aa, 0x0101} {
		if ev := event(t, e); ev != want {
			t.Fatalf("event %#04x, want %#04x", ev, want)
		}
	}
	write(t, e, uru4000.RegMode, uru4000.ModeAwaitFingerOff)
	e.Lift()
	if ev := event(t, e); ev != uru4000.EventFingerOff {
		t.Fatalf("event %#04x, want 0200", ev)
	}
}

func TestSleepingSensorRaisesNothing(t *testing.T) {
	e := newTestEmu(t, Options{})
	write(t, e, uru4000.RegHWStat, 0x81)
	e.Present(Fingerprint(100, 100, 1))
	write(t, e, uru4000.RegMode, uru4000.ModeAwaitFingerOn)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.Read(ctx, uru4000.EndpointInterrupt, make([]byte, 64)); !errors.Is(err, usb.ErrTimeout) {
		t.Fatalf("err = %v, want timeout", err)
	}
}

func TestTransferErrors(t *testing.T) {
	e := newTestEmu(t, Options{})
	ctx := testCtx(t)
	if _, err := e.Control(ctx, 0xc0, 0x05, 0, 0, nil); !errors.Is(err, usb.ErrStall) {
		t.Errorf("unknown request: %v", err)
	}
	if _, err := e.Write(ctx, 0x02, []byte{1}); !errors.Is(err, usb.ErrStall) {
		t.Errorf("write: %v", err)
	}
	if _, err := e.Read(ctx, 0x83, make([]byte, 8)); !errors.Is(err, usb.ErrStall) {
		t.Errorf("read of a missing endpoint: %v", err)
	}
	write(t, e, uru4000.RegHWStat, 0x81)
	write(t, e, uru4000.RegHWStat, 0x01)
	if _, err := e.Read(ctx, uru4000.EndpointInterrupt, make([]byte, 8)); !errors.Is(err, usb.ErrOverflow) {
		t.Errorf("small interrupt buffer: %v", err)
	}
	if err := e.InjectOn(FaultStall, 0x05); err == nil {
		t.Error("stall on a missing endpoint accepted")
	}
	if err := e.InjectOn(Fault(99), 0); err == nil {
		t.Error("unknown fault accepted")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Read(cctx, uru4000.EndpointData, make([]byte, 64)); !errors.Is(err, usb.ErrCancelled) {
		t.Errorf("cancelled read: %v", err)
	}
}

func TestCloseFailsPendingReads(t *testing.T) {
	e := newTestEmu(t, Options{})
	done := make(chan error)
	go func() {
		_, err := e.Read(testCtx(t), uru4000.EndpointData, make([]byte, 64))
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	_ = e.Close()
	if err := <-done; !errors.Is(err, usb.ErrNoDevice) {
		t.Fatalf("err = %v, want no device", err)
	}
}

func TestLayoutChecks(t *testing.T) {
	bad := [][]uru4000.Block{
		{{Flags: 0, Lines: 290}},
		{{Flags: 2, Lines: 200}, {Flags: 1, Lines: 80}},
		{{Flags: 2, Lines: 255}, {Flags: 2, Lines: 35}},
		make([]uru4000.Block, 16),
	}
	for i, l := range bad {
		if _, err := New(Options{Layout: l}); err == nil {
			t.Errorf("layout %d accepted", i)
		}
	}
	if _, err := New(Options{Product: 0x1234}); err == nil {
		t.Error("unknown product accepted")
	}
}

func TestDemoPresentsAndLifts(t *testing.T) {
	e := newTestEmu(t, Options{Demo: true, DemoDelay: 5 * time.Millisecond, DemoHold: 5 * time.Millisecond})
	write(t, e, uru4000.RegHWStat, 0x81)
	write(t, e, uru4000.RegHWStat, 0x01)
	event(t, e)
	write(t, e, uru4000.RegMode, uru4000.ModeAwaitFingerOn)
	for _, want := range []uint16{0x56aa, 0x56aa, 0x0101} {
		if ev := event(t, e); ev != want {
			t.Fatalf("event %#04x, want %#04x", ev, want)
		}
	}
	write(t, e, uru4000.RegMode, uru4000.ModeAwaitFingerOff)
	if ev := event(t, e); ev != uru4000.EventFingerOff {
		t.Fatalf("event %#04x, want 0200", ev)
	}
}

func TestFingerprintIsDeterministic(t *testing.T) {
	a, b, c := Fingerprint(120, 90, 5), Fingerprint(120, 90, 5), Fingerprint(120, 90, 6)
	if !bytes.Equal(a.Pix, b.Pix) || bytes.Equal(a.Pix, c.Pix) {
		t.Fatal("same seed must give the same image, another seed another")
	}
	dark := 0
	for _, v := range a.Pix {
		if v < 128 {
			dark++
		}
	}
	if dark < len(a.Pix)/10 || dark > len(a.Pix)/2 {
		t.Errorf("%d of %d pixels dark: no ridge pattern", dark, len(a.Pix))
	}
	if img := Fingerprint(0, 5, 1); img.Bounds().Dx() != 0 {
		t.Error("empty size")
	}
}

func TestOptionsFromConfig(t *testing.T) {
	o, err := OptionsFromConfig(drivers.Options{"demo": "false", "product": "0008", "demo_delay": "1s", "secret": "ff", "plain": "1", "demo_seed": "3", "demo_hold": "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Demo || o.Product != 8 || o.DemoDelay != time.Second || o.Secret != 255 || !o.Plain || o.DemoSeed != 3 || o.DemoHold != 2*time.Second {
		t.Errorf("options %+v", o)
	}
	if d, _ := OptionsFromConfig(nil); !d.Demo {
		t.Error("demo is not on by default")
	}
	for _, bad := range []drivers.Options{{"nope": "1"}, {"demo": "maybe"}, {"product": "xyz"}} {
		if _, err := OptionsFromConfig(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestRegistered(t *testing.T) {
	em, ok := drivers.Default.Emulator(uru4000.DriverName)
	if !ok {
		t.Fatal("emulator not registered")
	}
	dev, err := em.USB(testCtx(t), drivers.Options{"demo": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if dev.Descriptor().ID != uru4000.ID4500 {
		t.Errorf("id %v", dev.Descriptor().ID)
	}
}
