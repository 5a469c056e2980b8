package uru4000_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// sessionSeed is the host seed of recorded sessions: they replay only with it.
const sessionSeed = 0x1234abcd

// session is what the tests run against every transport: open the reader, capture
// one finger, halt. The emulator behind a recording lifts the finger when asked.
func session(ctx context.Context, t usb.Transport, lift func()) (*capture.FingerImage, error) {
	o := uru4000.Options{SeedSource: uru4000.FixedSeed(sessionSeed), ControlTimeout: time.Second, FrameTimeout: time.Second}
	d, err := uru4000.Open(ctx, t, &o)
	if err != nil {
		return nil, err
	}
	img, err := d.CaptureFinger(ctx, func(step string) {
		if step == "lift the finger" && lift != nil {
			lift()
		}
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// recordSession records a session against an emulator with testFinger(61) on it.
func recordSession(t *testing.T) (*usbtest.Transcript, *capture.FingerImage) {
	t.Helper()
	e := newEmu(t, emu.Options{})
	e.Present(testFinger(61))
	rec := usbtest.NewRecord(e)
	img, err := session(testContext(t), rec, e.Lift)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Transcript(), img
}

// compact writes a transfer in the emulator transcript's notation.
func compact(tr usbtest.Transfer) string {
	if tr.Err != nil {
		if tr.Kind == usbtest.Read && tr.Endpoint == uru4000.EndpointInterrupt && errors.Is(tr.Err, usb.ErrCancelled) {
			return "interrupt cancelled"
		}
		return fmt.Sprintf("%s error %v", tr.Kind, tr.Err)
	}
	switch {
	case tr.Kind == usbtest.Control && tr.RequestType == uru4000.RequestTypeRead:
		return fmt.Sprintf("read %02x = %s", tr.Value, hex.EncodeToString(tr.In))
	case tr.Kind == usbtest.Control && tr.RequestType == uru4000.RequestTypeWrite:
		return fmt.Sprintf("write %02x %s", tr.Value, hex.EncodeToString(tr.Out))
	case tr.Kind == usbtest.Read && tr.Endpoint == uru4000.EndpointInterrupt && len(tr.In) >= 2:
		return fmt.Sprintf("interrupt %s", hex.EncodeToString(tr.In[:2]))
	case tr.Kind == usbtest.Read && tr.Endpoint == uru4000.EndpointData:
		return fmt.Sprintf("bulk %d of %d", len(tr.In), tr.Length)
	}
	return fmt.Sprintf("%s ep=%02x", tr.Kind, tr.Endpoint)
}

// canonicalOrder undoes what two goroutines do to a completion-ordered recording:
// an interrupt or bulk read that the reader completes in answer to a register write
// (the power-on event after HWSTAT, finger events after a mode, the frame after
// capture mode) can reach the recorder before the write does. Such a read overlaps
// the write (it completed after the write was submitted); it is moved after it.
func canonicalOrder(ts []usbtest.Transfer) []usbtest.Transfer {
	ts = append([]usbtest.Transfer(nil), ts...)
	for swapped := true; swapped; {
		swapped = false
		for i := 1; i < len(ts); i++ {
			r, w := ts[i-1], ts[i]
			if r.Kind == usbtest.Read && w.Kind == usbtest.Control && w.RequestType == uru4000.RequestTypeWrite && r.End >= w.Start {
				ts[i-1], ts[i] = w, r
				swapped = true
			}
		}
	}
	return ts
}

// TestRecordedSessionIsTheRealOne pins the transfer sequence the host sees, in
// completion order, to the real 4500 session of devices.md.
func TestRecordedSessionIsTheRealOne(t *testing.T) {
	tr, _ := recordSession(t)
	var got []string
	for _, x := range canonicalOrder(tr.Transfers) {
		got = append(got, compact(x))
	}
	want := []string{
		"read 07 = 01", "write 07 81", "write 07 01", "interrupt 56aa", "read 07 = 01",
		"read f0 = *", "write 4e 10", "interrupt 56aa", "interrupt 56aa", "interrupt 0101",
		"write 4e 20", "bulk 111040 of 111424", "write 33 00cdab3412", "read 34 = *",
		"write 4e 12", "interrupt 0200", "write 4e 70", "interrupt cancelled",
	}
	matchTranscript(t, got, want)
	// That the bulk read is submitted before capture mode is written is checked on
	// the device side (the emulator's transcript and CaptureWithoutRead): Start
	// times taken in two goroutines microseconds apart do not order reliably.
}

// TestPlaybackOfARecordedSession replays the recording to the driver: it must make
// exactly the recorded transfers and get the same image.
func TestPlaybackOfARecordedSession(t *testing.T) {
	tr, want := recordSession(t)
	pb := usbtest.NewPlayback(tr)
	got, err := session(testContext(t), pb, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
	if string(got.Pix) != string(want.Pix) {
		t.Fatal("played-back image differs from the recorded one")
	}
}

// TestPlaybackRefusesAnotherSeed shows why the seed is injectable: a session with a
// different seed writes a different scramble index and the playback rejects it.
func TestPlaybackRefusesAnotherSeed(t *testing.T) {
	tr, _ := recordSession(t)
	pb := usbtest.NewPlayback(tr)
	ctx, cancel := context.WithTimeout(testContext(t), 2*time.Second)
	defer cancel()
	o := uru4000.Options{SeedSource: uru4000.FixedSeed(sessionSeed + 1)}
	d, err := uru4000.Open(ctx, pb, &o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CaptureFinger(ctx, nil); err == nil {
		t.Fatal("capture with another seed replayed")
	}
}
