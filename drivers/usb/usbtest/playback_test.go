package usbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// runSample makes the transfers of testdata/sample.txt, in order, through t.
func runSample(ctx context.Context, t usb.Transport) error {
	buf := make([]byte, 64)
	if n, err := t.Control(ctx, 0xc0, 1, 3, 0, buf[:2]); err != nil || n != 2 {
		return errors.Join(err, errors.New("get register"))
	}
	if _, err := t.Control(ctx, 0x40, 2, 3, 0, []byte{0xbe, 0xef}); err != nil {
		return err
	}
	if _, err := t.Write(ctx, 0x01, []byte("hello")); err != nil {
		return err
	}
	if _, err := t.Control(ctx, 0x40, 2, 4, 0, []byte{1}); err != nil {
		return err
	}
	n, err := t.Read(ctx, 0x81, buf)
	if err != nil || string(buf[:n]) != "hello" {
		return errors.Join(err, errors.New("echo"))
	}
	if _, err := t.Read(ctx, 0x82, buf[:8]); err != nil {
		return err
	}
	if _, err := t.Read(ctx, 0x82, buf[:8]); !errors.Is(err, usb.ErrTimeout) {
		return errors.Join(err, errors.New("want timeout"))
	}
	return t.(usb.Resetter).Reset(ctx)
}

func TestPlaybackSample(t *testing.T) {
	pb := NewPlayback(loadSample(t))
	if err := runSample(context.Background(), pb); err != nil {
		t.Fatal(err)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
	if pb.Descriptor().Product != "Loopback" {
		t.Errorf("descriptor = %+v", pb.Descriptor())
	}
}

func TestRecordThenPlayback(t *testing.T) {
	want := loadSample(t)
	pb := NewPlayback(want)
	rec := NewRecord(pb)
	if err := runSample(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
	got := rec.Transcript()
	for i := range got.Transfers {
		tr := &got.Transfers[i]
		if tr.End < tr.Start {
			t.Errorf("step %d ends at %v before it starts at %v", i, tr.End, tr.Start)
		}
		tr.Start, tr.End = 0, 0
		// Playback wraps recorded errors with the step number; keep the message comparable.
		if tr.Err != nil {
			tr.Err = &recordedError{msg: want.Transfers[i].Err.Error(), sentinel: usb.ErrTimeout}
		}
	}
	sameTranscript(t, got, want)
}

func TestPlaybackMismatch(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(usb.Transport) error
		want string
	}{
		{"wValue", func(u usb.Transport) error {
			_, err := u.Control(ctx, 0xc0, 1, 4, 0, make([]byte, 2))
			return err
		}, "step 0: got control type=c0 req=01 value=0004 index=0000 len=2, want control type=c0 req=01 value=0003 index=0000 len=2 (wValue differs)"},
		{"length", func(u usb.Transport) error {
			_, err := u.Control(ctx, 0xc0, 1, 3, 0, make([]byte, 4))
			return err
		}, "(length differs)"},
		{"payload", func(u usb.Transport) error {
			u.Control(ctx, 0xc0, 1, 3, 0, make([]byte, 2))
			_, err := u.Control(ctx, 0x40, 2, 3, 0, []byte{0xbe, 0xee})
			return err
		}, "step 1: got control type=40 req=02 value=0003 index=0000 out=beee, want control type=40 req=02 value=0003 index=0000 out=beef (OUT payload differs)"},
		{"kind", func(u usb.Transport) error {
			_, err := u.Write(ctx, 0x02, []byte{1})
			return err
		}, "write ep=02 out=01 after the last recorded transfer on that endpoint"},
		{"write payload", func(u usb.Transport) error {
			_, err := u.Write(ctx, 0x01, []byte("hellO"))
			return err
		}, "step 2: got write ep=01 out=68656c6c4f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pb := NewPlayback(loadSample(t))
			pb.MaxWait = 50 * time.Millisecond
			err := tc.run(pb)
			if !errors.Is(err, ErrUnexpected) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrUnexpected containing %q", err, tc.want)
			}
			// The failure sticks: later calls and Close report it.
			if _, err2 := pb.Read(ctx, 0x81, make([]byte, 64)); err2 != err {
				t.Errorf("later call: %v, want the first failure", err2)
			}
			if cerr := pb.Close(); cerr != err {
				t.Errorf("Close = %v, want the first failure", cerr)
			}
		})
	}
}

func TestPlaybackUnconsumed(t *testing.T) {
	pb := NewPlayback(loadSample(t))
	if _, err := pb.Control(context.Background(), 0xc0, 1, 3, 0, make([]byte, 2)); err != nil {
		t.Fatal(err)
	}
	err := pb.Close()
	if !errors.Is(err, ErrUnconsumed) || !strings.Contains(err.Error(), "7 of 8 left, the first being step 1: control type=40") {
		t.Fatalf("Close = %v", err)
	}
	if _, err := pb.Write(context.Background(), 1, nil); !errors.Is(err, usb.ErrNoDevice) {
		t.Errorf("after Close: %v, want ErrNoDevice", err)
	}
}

func TestPlaybackHoldsEarlyReadUntilItsTurn(t *testing.T) {
	// The read on 0x81 completed after two controls when recorded; submitted first
	// here, it must wait for them.
	tr := &Transcript{Transfers: []Transfer{
		{Kind: Control, RequestType: 0x40, Request: 1, Out: []byte{1}, Length: 1},
		{Kind: Control, RequestType: 0x40, Request: 1, Out: []byte{2}, Length: 1},
		{Kind: Read, Endpoint: 0x81, Length: 4, In: []byte{0x56, 0xaa}},
		{Kind: Read, Endpoint: 0x81, Length: 4, Err: usb.ErrCancelled},
	}}
	pb := NewPlayback(tr)
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		data []byte
		err  error
	}
	got := make(chan result, 2)
	go func() {
		for {
			buf := make([]byte, 4)
			n, err := pb.Read(ctx, 0x81, buf)
			pb.mu.Lock()
			if !pb.done[0] || !pb.done[1] {
				err = errors.Join(err, errors.New("read completed before the controls"))
			}
			pb.mu.Unlock()
			got <- result{buf[:n], err}
			if err != nil {
				return
			}
		}
	}()
	time.Sleep(10 * time.Millisecond) // let the read be submitted first
	for _, b := range []byte{1, 2} {
		if _, err := pb.Control(ctx, 0x40, 1, 0, 0, []byte{b}); err != nil {
			t.Fatal(err)
		}
		if b == 1 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	if r := <-got; r.err != nil || !bytes.Equal(r.data, []byte{0x56, 0xaa}) {
		t.Fatalf("first read = %x, %v", r.data, r.err)
	}
	cancel()
	if r := <-got; !errors.Is(r.err, usb.ErrCancelled) {
		t.Fatalf("second read: %v, want cancelled", r.err)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPlaybackWaitIsBounded(t *testing.T) {
	tr := &Transcript{Transfers: []Transfer{
		{Kind: Control, RequestType: 0x40, Request: 1, Out: []byte{1}, Length: 1},
		{Kind: Read, Endpoint: 0x81, Length: 4, In: []byte{1}},
	}}
	pb := &Playback{Transcript: *tr, MaxWait: 20 * time.Millisecond}
	_, err := pb.Read(context.Background(), 0x81, make([]byte, 4))
	if !errors.Is(err, ErrUnexpected) || !strings.Contains(err.Error(), "waited 20ms for step 0 (control type=40") {
		t.Fatalf("err = %v", err)
	}
}

func TestPlaybackAbandonedWaitIsNotAFailure(t *testing.T) {
	tr := &Transcript{Transfers: []Transfer{
		{Kind: Control, RequestType: 0x40, Request: 1, Out: []byte{1}, Length: 1},
		{Kind: Read, Endpoint: 0x81, Length: 4, In: []byte{1}},
	}}
	pb := NewPlayback(tr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := pb.Read(ctx, 0x81, make([]byte, 4)); !errors.Is(err, usb.ErrTimeout) {
		t.Fatalf("read: %v, want timeout", err)
	}
	// The driver may try again; the step is still there.
	if _, err := pb.Control(context.Background(), 0x40, 1, 0, 0, []byte{1}); err != nil {
		t.Fatal(err)
	}
	if n, err := pb.Read(context.Background(), 0x81, make([]byte, 4)); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenPlaybackChecksClose(t *testing.T) {
	ft := &fakeTB{TB: t}
	func() {
		defer func() {
			for _, f := range ft.cleanups {
				f()
			}
		}()
		pb := OpenPlayback(ft, "testdata/sample.txt")
		if err := runSample(context.Background(), pb); err != nil {
			t.Fatal(err)
		}
	}()
	if len(ft.errors) != 0 {
		t.Errorf("a complete session reported %q", ft.errors)
	}
	ft = &fakeTB{TB: t}
	OpenPlayback(ft, "testdata/sample.txt")
	for _, f := range ft.cleanups {
		f()
	}
	if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], "8 of 8 left") {
		t.Errorf("an unused playback reported %q", ft.errors)
	}
}

// fakeTB collects cleanups and errors instead of acting on them.
type fakeTB struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (f *fakeTB) Helper()                   {}
func (f *fakeTB) Cleanup(fn func())         { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(s string, a ...any) { f.errors = append(f.errors, fmt.Sprintf(s, a...)) }
