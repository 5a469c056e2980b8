package main

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/enrolld/enrolld/capture"
)

type stubDevices struct{ scanner capture.FingerScanner }

func (s stubDevices) Camera() capture.Camera         { return nil }
func (s stubDevices) Scanner() capture.FingerScanner { return s.scanner }
func (s stubDevices) Pad() capture.SignaturePad      { return nil }
func (s stubDevices) Status() any                    { return nil }

// blockingScanner reports the busy count seen during a capture.
type blockingScanner struct {
	fakeDevice
	n    *atomic.Int32
	seen int32
}

func (b *blockingScanner) CaptureFinger(context.Context, func(string)) (*capture.FingerImage, error) {
	b.seen = b.n.Load()
	return &capture.FingerImage{}, nil
}

func TestCaptureCountsAsBusy(t *testing.T) {
	var n atomic.Int32
	sc := &blockingScanner{n: &n}
	devs := countingDevices{stubDevices{scanner: sc}, &n}
	if _, err := devs.Scanner().CaptureFinger(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if sc.seen != 1 || n.Load() != 0 {
		t.Fatalf("busy during capture %d, after %d; want 1 and 0", sc.seen, n.Load())
	}
	if devs.Camera() != nil || devs.Pad() != nil {
		t.Fatal("absent devices must stay nil")
	}
}
