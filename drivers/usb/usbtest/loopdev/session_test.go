package loopdev

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb/umockdevtest"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

var update = flag.Bool("update", false, "rewrite testdata/session.txt from the emulator")

// result is everything a session observes; the same session must observe the same
// through every transport.
type result struct {
	Name      string
	Scratch   uint16
	Echoes    []string
	Stalled   bool
	Timeout   bool
	Count     int
	Cancelled bool
}

// session drives the device through every kind of transfer and error the
// protocol has.
func session(ctx context.Context, t usb.Transport) (result, error) {
	var r result
	d, err := New(ctx, t, &Opts{Timeout: time.Second})
	if err != nil {
		return r, err
	}
	r.Name = d.String()
	if err := d.SetRegister(ctx, RegScratch, 0xbeef); err != nil {
		return r, err
	}
	if r.Scratch, err = d.Register(ctx, RegScratch); err != nil {
		return r, err
	}
	for mode := uint16(ModeEcho); mode <= ModeReverse; mode++ {
		if err := d.SetMode(ctx, mode); err != nil {
			return r, err
		}
		echo, err := d.Echo(ctx, []byte(fmt.Sprintf("hello, usb %d", mode)))
		if err != nil {
			return r, err
		}
		r.Echoes = append(r.Echoes, fmt.Sprintf("%x", echo))
	}
	// The version register is read-only: the device stalls the request.
	err = d.SetRegister(ctx, RegVersion, 0x0200)
	r.Stalled = errors.Is(err, usb.ErrStall)
	// Nothing to read: the bulk IN endpoint NAKs until the host gives up.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = t.Read(short, EndpointIn, make([]byte, MaxPacket))
	cancel()
	r.Timeout = errors.Is(err, usb.ErrTimeout)
	// An event read stays pending while the host does other things, and is
	// cancelled when the host is done, as drivers do when they stop.
	pending, stop := context.WithCancel(ctx)
	cancelled := make(chan error)
	go func() {
		_, err := t.Read(pending, EndpointEvents, make([]byte, EventSize))
		cancelled <- err
	}()
	if r.Count, err = d.Count(ctx); err != nil {
		stop()
		<-cancelled
		return r, err
	}
	stop()
	r.Cancelled = errors.Is(<-cancelled, usb.ErrCancelled)
	return r, d.Halt()
}

var wantResult = result{
	Name:    "loopdev 1209:0001 at 1/5, firmware 1.02",
	Scratch: 0xbeef,
	Echoes: []string{
		"68656c6c6f2c207573622030", // "hello, usb 0" as sent
		"979a939390d3df8a8c9ddfce", // "hello, usb 1", every byte inverted
		"3220627375202c6f6c6c6568", // "2 bsu ,olleh"
	},
	Stalled:   true,
	Timeout:   true,
	Count:     3,
	Cancelled: true,
}

// record runs the session against a fresh emulator through usbtest.Record.
func record(t *testing.T) *usbtest.Transcript {
	t.Helper()
	rec := usbtest.NewRecord(NewEmulator())
	got, err := session(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantResult) {
		t.Fatalf("emulator session:\n got %+v\nwant %+v", got, wantResult)
	}
	return rec.Transcript()
}

func TestSessionGolden(t *testing.T) {
	tr := record(t)
	tr.ClearTimes()
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
		t.Errorf("the emulator's session differs from %s (run with -update if the change is intended):\n%s", golden, text.String())
	}
}

func TestSessionPlayback(t *testing.T) {
	tr, err := usbtest.ReadFile("testdata/session.txt")
	if err != nil {
		t.Fatal(err)
	}
	pb := usbtest.NewPlayback(tr)
	got, err := session(context.Background(), pb)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantResult) {
		t.Errorf("playback session:\n got %+v\nwant %+v", got, wantResult)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSessionThroughLibusb is the whole USB path: the emulator's session, written
// as a usbmon capture and a umockdev device, replayed to the same session code
// through package libusb, gousb and libusb 1.0.
func TestSessionThroughLibusb(t *testing.T) {
	tr := record(t)
	umockdevtest.Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, err := session(ctx, dev)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wantResult) {
			t.Errorf("session through libusb:\n got %+v\nwant %+v", got, wantResult)
		}
		d := dev.Descriptor()
		want := Descriptor()
		if d.Product != want.Product || d.Serial != want.Serial || !reflect.DeepEqual(d.Configs, want.Configs) {
			t.Errorf("descriptor through libusb:\n got %#v\nwant %#v", d, want)
		}
	})
}

// TestGoldenThroughLibusb replays the checked-in transcript, which has no times:
// its capture lists each transfer's submission just before its completion, in
// completion order, and umockdev still matches the driver's concurrent
// submissions against it.
func TestGoldenThroughLibusb(t *testing.T) {
	tr, err := usbtest.ReadFile("testdata/session.txt")
	if err != nil {
		t.Fatal(err)
	}
	umockdevtest.Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, err := session(ctx, dev)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wantResult) {
			t.Errorf("golden session through libusb:\n got %+v\nwant %+v", got, wantResult)
		}
	})
}
