package v4l2

import (
	"context"
	"errors"
	"testing"

	"github.com/enrolld/enrolld/capture"
)

type fakeSource struct {
	seq    uint64
	closed int
}

func (f *fakeSource) Format() Format { return Format{Width: 640, Height: 480, FourCC: "MJPG", FPS: 30} }
func (f *fakeSource) Info() capture.Info {
	return capture.Info{Kind: capture.KindCamera, Path: "/dev/video0"}
}
func (f *fakeSource) Close() error { f.closed++; return nil }
func (f *fakeSource) Next(ctx context.Context) (capture.Frame, error) {
	if err := ctx.Err(); err != nil {
		return capture.Frame{}, err
	}
	f.seq++
	return capture.Frame{JPEG: []byte{0xff, 0xd8}, Seq: f.seq}, nil
}

func TestCameraAdapter(t *testing.T) {
	src := &fakeSource{}
	c := NewCamera(src)
	s, err := c.CaptureStill(context.Background())
	if err != nil || s.Width != 640 || s.Captured.IsZero() {
		t.Fatalf("still %+v, %v", s, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan capture.Frame)
	errc := make(chan error)
	go func() { errc <- c.LiveView(ctx, out) }()
	if f := <-out; f.Seq != 2 {
		t.Errorf("frame seq %d", f.Seq)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("LiveView: %v", err)
	}
	if c.String() != "v4l2 /dev/video0 (640x480 MJPG)" {
		t.Errorf("String %q", c.String())
	}
	c.Halt()
	c.Halt()
	if src.closed != 1 {
		t.Errorf("closed %d times", src.closed)
	}
	if _, err := c.CaptureStill(context.Background()); err == nil {
		t.Error("capture after Halt")
	}
}
