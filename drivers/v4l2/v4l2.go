// Package v4l2 is the seam for USB webcams (USB Video Class devices), which enrolld
// does not drive itself.
//
// Webcams stream video isochronously: every microframe carries a slice of a frame with
// a small payload header (frame id, end-of-frame, presentation time). gousb merges
// isochronous packets and loses those headers, so a userspace UVC driver on top of it
// cannot reassemble frames. The Linux kernel's uvcvideo driver already does this and
// offers the frames through Video4Linux2 (/dev/videoN: VIDIOC_S_FMT to choose MJPEG and a
// size, VIDIOC_REQBUFS/QBUF/DQBUF to stream through mmap'd buffers). A webcam therefore
// belongs behind V4L2, not behind drivers/usb.
//
// This package holds only the seam: FrameSource is what a V4L2 implementation (a
// future package, or a vendor SDK) provides, and Camera adapts any FrameSource to
// capture.Camera, taking a still as the next full frame.
package v4l2

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
)

// Format is a negotiated stream format.
type Format struct {
	Width, Height int
	// FourCC is the pixel format, "MJPG" for the JPEG frames enrolld consumes.
	FourCC string
	FPS    float64
}

// FrameSource is a streaming video device that yields JPEG (MJPEG) frames.
type FrameSource interface {
	// Format returns the format the stream runs at.
	Format() Format
	// Next blocks until the next complete frame, or ctx ends.
	Next(ctx context.Context) (capture.Frame, error)
	// Info describes the device.
	Info() capture.Info
	// Close stops streaming and releases the device.
	Close() error
}

// Camera adapts a FrameSource to capture.Camera. It owns the source: Halt closes it.
type Camera struct {
	src    FrameSource
	halted bool
}

var _ capture.Camera = (*Camera)(nil)

// NewCamera wraps src.
func NewCamera(src FrameSource) *Camera { return &Camera{src: src} }

// Info describes the device.
func (c *Camera) Info() capture.Info { return c.src.Info() }

// String names the device for logs.
func (c *Camera) String() string {
	f := c.src.Format()
	return fmt.Sprintf("v4l2 %s (%dx%d %s)", c.src.Info().Path, f.Width, f.Height, f.FourCC)
}

// Halt closes the source; safe to call twice.
func (c *Camera) Halt() error {
	if c.halted {
		return nil
	}
	c.halted = true
	return c.src.Close()
}

// CaptureStill returns the next full frame as the photograph.
func (c *Camera) CaptureStill(ctx context.Context) (*capture.Still, error) {
	if c.halted {
		return nil, errors.New("v4l2: camera halted")
	}
	f, err := c.src.Next(ctx)
	if err != nil {
		return nil, err
	}
	fm := c.src.Format()
	return &capture.Still{JPEG: f.JPEG, Width: fm.Width, Height: fm.Height, Captured: orNow(f.Captured)}, nil
}

// LiveView forwards frames until ctx ends.
func (c *Camera) LiveView(ctx context.Context, out chan<- capture.Frame) error {
	for {
		f, err := c.src.Next(ctx)
		if err != nil {
			return err
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
