package ptp_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/ptp"
	"github.com/enrolld/enrolld/drivers/ptp/emu"
	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

var update = flag.Bool("update", false, "rewrite testdata/session.txt from the emulator")

// result is what a session observes; every transport must observe the same.
type result struct {
	Model    string
	Still    string // size and hash of the JPEG
	Frames   []string
	PropBack bool
	Left     int // objects left on the card (emulator only)
}

var fixedClock = func() time.Time { return time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC) }

func digest(b []byte) string { return fmt.Sprintf("%d:%x", len(b), sha256.Sum256(b))[:24] }

// session opens the camera, takes a still, pulls three live-view frames and round-trips
// a property value whose data phases are exactly one 512-byte packet (so a zero-length
// packet follows each way).
func session(ctx context.Context, t usb.Transport) (result, error) {
	var r result
	d, err := ptp.New(ctx, t, &ptp.Options{Timeout: 2 * time.Second, Now: fixedClock})
	if err != nil {
		return r, err
	}
	r.Model = d.Info().Model
	s, err := d.CaptureStill(ctx)
	if err != nil {
		return r, err
	}
	r.Still = digest(s.JPEG)
	if err := d.StartLiveView(ctx); err != nil {
		return r, err
	}
	for i := 0; i < 3; i++ {
		f, err := d.NextFrame(ctx)
		if err != nil {
			return r, err
		}
		r.Frames = append(r.Frames, digest(f))
	}
	if err := d.StopLiveView(ctx); err != nil {
		return r, err
	}
	v := bytes.Repeat([]byte("enrolld!"), 500/8+1)[:500]
	if err := d.SetDevicePropValue(ctx, 0xD001, v); err != nil {
		return r, err
	}
	back, err := d.GetDevicePropValue(ctx, 0xD001)
	if err != nil {
		return r, err
	}
	r.PropBack = bytes.Equal(back, v)
	return r, d.Halt()
}

func recordingCamera() *emu.Camera {
	return emu.New(&emu.Options{
		Now: fixedClock, FrameRate: -1, ShutterDelay: 5 * time.Millisecond,
		StillWidth: 320, StillHeight: 240, FrameWidth: 160, FrameHeight: 120,
	})
}

// record runs the session against the emulator through usbtest.Record.
func record(t *testing.T) (*usbtest.Transcript, result) {
	t.Helper()
	cam := recordingCamera()
	defer cam.Close()
	rec := usbtest.NewRecord(cam)
	got, err := session(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if !got.PropBack || len(got.Frames) != 3 || got.Model != "enrolld Virtual EOS" {
		t.Fatalf("emulator session: %+v", got)
	}
	if v := cam.Violations(); len(v) > 0 {
		t.Fatalf("violations: %q", v)
	}
	got.Left = cam.Objects()
	if got.Left != 0 {
		t.Errorf("%d objects left on the card", got.Left)
	}
	tr := rec.Transcript()
	for i := range tr.Transfers {
		tr.Transfers[i].Start, tr.Transfers[i].End = 0, 0
	}
	return tr, got
}

// TestSessionGolden pins the wire conversation: any change in what the driver sends
// or how it frames data phases shows up as a diff of testdata/session.txt.
func TestSessionGolden(t *testing.T) {
	tr, _ := record(t)
	var text bytes.Buffer
	tr.WriteTo(&text)
	const golden = "testdata/session.txt"
	if *update {
		if err := os.WriteFile(golden, text.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(text.Bytes(), want) {
		t.Errorf("the session differs from %s (run with -update if the change is intended)", golden)
	}
}

// TestSessionPlayback runs the driver against the recorded transcript: it must make
// exactly the recorded transfers and observe the same.
func TestSessionPlayback(t *testing.T) {
	tr, err := usbtest.ReadFile("testdata/session.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, want := record(t)
	pb := usbtest.NewPlayback(tr)
	got, err := session(context.Background(), pb)
	if err != nil {
		t.Fatal(err)
	}
	got.Left = want.Left
	if !reflect.DeepEqual(got, want) {
		t.Errorf("playback:\n got %+v\nwant %+v", got, want)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
}
