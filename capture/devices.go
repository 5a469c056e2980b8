// Package capture holds the device-class interfaces the rest of the daemon consumes:
// a finger scanner that returns an 8-bit greyscale image with its resolution, a camera
// with still capture and a live-view frame stream, and a signature pad that streams pen
// samples. Drivers (packages under drivers/) satisfy them; the enrollment workflow,
// quality gates and preview are built on them and know nothing of USB or serial lines.
package capture

import (
	"context"
	"errors"
	"time"
)

// Kind is a device class.
type Kind string

// Device classes.
const (
	KindFinger    Kind = "finger"
	KindCamera    Kind = "camera"
	KindSignature Kind = "signature"
)

// Sentinel errors device implementations wrap.
var (
	// ErrUnplugged means the device went away; it may come back.
	ErrUnplugged = errors.New("capture: device unplugged")
	// ErrBusy means the device is already capturing.
	ErrBusy = errors.New("capture: device busy")
	// ErrNotSupported means the device lacks the asked-for feature (for example live view).
	ErrNotSupported = errors.New("capture: not supported by this device")
)

// Info describes a device for status pages and metrics labels (no person data).
type Info struct {
	Kind     Kind   `json:"kind"`
	Driver   string `json:"driver"`
	Model    string `json:"model"`
	Serial   string `json:"serial,omitempty"`
	Firmware string `json:"firmware,omitempty"`
	Path     string `json:"path,omitempty"` // USB bus/address, serial port, or "emulated"
}

// Device is what every capture device offers.
type Device interface {
	// Info describes the device.
	Info() Info
	// String names the device for logs.
	String() string
	// Halt stops what the device is doing and powers it down; it is safe to call twice.
	Halt() error
}

// GrayImage is an 8-bit greyscale image, row-major, 0 black, 255 white.
type GrayImage struct {
	Width, Height int
	Pix           []byte // len Width*Height
	DPI           float64
}

// FingerImage is one captured fingerprint impression.
type FingerImage struct {
	GrayImage
	Captured time.Time
	Device   string
}

// FingerScanner captures single-finger flat impressions.
type FingerScanner interface {
	Device
	// CaptureFinger waits for a finger, captures it and waits for it to be lifted (or
	// for ctx to end). progress, if not nil, receives short human-readable steps such
	// as "place a finger".
	CaptureFinger(ctx context.Context, progress func(string)) (*FingerImage, error)
}

// Still is one full-resolution photograph.
type Still struct {
	JPEG          []byte
	Width, Height int
	Captured      time.Time
}

// Frame is one live-view frame (JPEG).
type Frame struct {
	JPEG     []byte
	Seq      uint64
	Captured time.Time
}

// Camera takes stills and, where the device can, streams live-view frames.
type Camera interface {
	Device
	// CaptureStill triggers the shutter and returns the photograph.
	CaptureStill(ctx context.Context) (*Still, error)
	// LiveView sends frames to out until ctx ends or an error occurs; it returns
	// ErrNotSupported for cameras without live view.
	LiveView(ctx context.Context, out chan<- Frame) error
}

// PenSample is one digitiser sample.
type PenSample struct {
	X, Y         int     // device units
	XMM, YMM     float64 // millimetres from the top-left of the sensing area
	Pressure     int     // 0..MaxPressure
	MaxPressure  int
	Tip          bool // pen touching
	Proximity    bool // pen within range
	Side1, Side2 bool // side buttons (Side2 doubles as eraser on some pens)
	Time         time.Time
}

// SignaturePad streams pen samples.
type SignaturePad interface {
	Device
	// Stream sends samples to out until ctx ends or an error occurs.
	Stream(ctx context.Context, out chan<- PenSample) error
}
