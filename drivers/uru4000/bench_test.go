package uru4000_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
)

// emulatorFrame walks an emulator through power-up and capture by hand and returns a
// scrambled frame with its key: what the driver holds after the key exchange.
func emulatorFrame(tb testing.TB) ([]byte, uint32) {
	tb.Helper()
	e := newEmu(tb, emu.Options{})
	e.Present(testFinger(7))
	ctx := testContext(tb)
	w := func(reg uint16, data ...byte) {
		if _, err := e.Control(ctx, uru4000.RequestTypeWrite, uru4000.RequestRegister, reg, 0, data); err != nil {
			tb.Fatal(err)
		}
	}
	w(uru4000.RegHWStat, 0x81)
	w(uru4000.RegHWStat, 0x01)
	frame := make([]byte, uru4000.FrameBufferSize)
	done := make(chan int)
	go func() {
		n, err := e.Read(ctx, uru4000.EndpointData, frame)
		if err != nil {
			tb.Error(err)
		}
		done <- n
	}()
	w(uru4000.RegMode, uru4000.ModeCapture)
	frame = frame[:<-done]
	if st := e.Stats(); st.CaptureWithoutRead != 0 {
		tb.Fatalf("the bulk read did not reach the emulator around the capture-mode write: %+v", st)
	}
	const seed = 0x600dcafe
	var idx [5]byte
	binary.LittleEndian.PutUint32(idx[1:], seed)
	w(uru4000.RegScrambleIndex, idx[:]...)
	var key [4]byte
	if _, err := e.Control(ctx, uru4000.RequestTypeRead, uru4000.RequestRegister, uru4000.RegScrambleKey, 0, key[:]); err != nil {
		tb.Fatal(err)
	}
	return frame, binary.LittleEndian.Uint32(key[:]) ^ seed
}

// BenchmarkDescrambleFrame measures descrambling one full frame of the default layout
// (289 lines, three scrambled blocks and the key run over the plain ones).
func BenchmarkDescrambleFrame(b *testing.B) {
	frame, key := emulatorFrame(b)
	buf := make([]byte, len(frame))
	b.SetBytes(int64(len(frame) - uru4000.HeaderSize))
	for b.Loop() {
		copy(buf, frame)
		f, err := uru4000.ParseFrame(buf)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Descramble(key, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeFrame measures the whole host-side work on a frame: parse, detect
// scrambling, descramble, assemble, rotate and invert.
func BenchmarkDecodeFrame(b *testing.B) {
	frame, key := emulatorFrame(b)
	buf := make([]byte, len(frame))
	for b.Loop() {
		copy(buf, frame)
		f, err := uru4000.ParseFrame(buf)
		if err != nil {
			b.Fatal(err)
		}
		if !f.LooksScrambled() {
			b.Fatal("frame does not look scrambled")
		}
		if err := f.Descramble(key, nil); err != nil {
			b.Fatal(err)
		}
		uru4000.Orient(f.Assemble())
	}
}

// BenchmarkFingerOnToImage measures, against the emulator, the time from the reader's
// finger-on report reaching the driver to the finished image (reported as
// finger-on-to-image-ns); ns/op is a whole capture, power-up to power-off.
func BenchmarkFingerOnToImage(b *testing.B) {
	r := newRig(b, emu.Options{}, uru4000.Options{})
	img := testFinger(8)
	var total time.Duration
	ctx := context.Background()
	for b.Loop() {
		r.e.Present(img)
		var imageAt time.Time
		_, err := r.d.CaptureFinger(ctx, func(step string) {
			if step == "lift the finger" {
				imageAt = time.Now()
				r.e.Lift()
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		total += imageAt.Sub(r.e.Stats().FingerOn)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "finger-on-to-image-ns")
}

func TestEmulatorFrameByHand(t *testing.T) {
	frame, key := emulatorFrame(t)
	if len(frame) != 111040 {
		t.Fatalf("frame of %d bytes, want 111040 (64 + 289 lines)", len(frame))
	}
	f, err := uru4000.ParseFrame(frame)
	if err != nil || !f.LooksScrambled() {
		t.Fatalf("parse: %v, scrambled %v", err, f != nil && f.LooksScrambled())
	}
	if err := f.Descramble(key, nil); err != nil {
		t.Fatal(err)
	}
	raw := f.Assemble()
	uru4000.Orient(raw)
	compareImages(t, raw, testFinger(7), emu.DefaultLayout, true)
}
