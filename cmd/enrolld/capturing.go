package main

import (
	"context"
	"sync/atomic"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/cmd/internal/desk"
)

// countingDevices wraps the desk's devices so that every capture, live view and pen
// stream counts in n while it runs: firmware updates are refused while n > 0.
type countingDevices struct {
	desk.Devices
	n *atomic.Int32
}

func (c countingDevices) hold() func() {
	c.n.Add(1)
	return func() { c.n.Add(-1) }
}

// Scanner returns the finger scanner, counting its captures.
func (c countingDevices) Scanner() capture.FingerScanner {
	s := c.Devices.Scanner()
	if s == nil {
		return nil
	}
	return countingScanner{s, c}
}

// Camera returns the camera, counting stills and live view.
func (c countingDevices) Camera() capture.Camera {
	cam := c.Devices.Camera()
	if cam == nil {
		return nil
	}
	return countingCamera{cam, c}
}

// Pad returns the signature pad, counting pen streams.
func (c countingDevices) Pad() capture.SignaturePad {
	p := c.Devices.Pad()
	if p == nil {
		return nil
	}
	return countingPad{p, c}
}

type countingScanner struct {
	capture.FingerScanner
	c countingDevices
}

func (s countingScanner) CaptureFinger(ctx context.Context, progress func(string)) (*capture.FingerImage, error) {
	defer s.c.hold()()
	return s.FingerScanner.CaptureFinger(ctx, progress)
}

type countingCamera struct {
	capture.Camera
	c countingDevices
}

func (k countingCamera) CaptureStill(ctx context.Context) (*capture.Still, error) {
	defer k.c.hold()()
	return k.Camera.CaptureStill(ctx)
}

func (k countingCamera) LiveView(ctx context.Context, out chan<- capture.Frame) error {
	defer k.c.hold()()
	return k.Camera.LiveView(ctx, out)
}

type countingPad struct {
	capture.SignaturePad
	c countingDevices
}

func (p countingPad) Stream(ctx context.Context, out chan<- capture.PenSample) error {
	defer p.c.hold()()
	return p.SignaturePad.Stream(ctx, out)
}
