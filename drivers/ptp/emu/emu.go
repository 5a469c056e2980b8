// Package emu is a PTP camera responder in the spirit of libgphoto2's virtual camera: an
// in-process usb.Device that speaks PTP over its bulk and interrupt endpoints and
// answers the class requests on endpoint 0. It checks what a real camera checks
// (session state, transaction ids, parameter counts, data-phase framing with the
// zero-length-packet rule) and records every violation, takes stills and serves Canon
// EOS live-view frames of a synthetic face scene it draws itself, and injects faults:
// DeviceBusy, a stalled endpoint, a transaction that never answers, a malformed
// container, and unplugging.
package emu

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/enrolld/enrolld/drivers/ptp"
	"github.com/enrolld/enrolld/drivers/usb"
)

// Endpoint addresses of the emulated still-image interface.
const (
	EPOut  uint8 = 0x01
	EPIn   uint8 = 0x82
	EPIntr uint8 = 0x83
)

// Options configure New. Zero fields take the defaults.
type Options struct {
	// MaxPacket is the bulk endpoints' wMaxPacketSize; default 512 (high speed).
	MaxPacket int
	// NoLiveView makes a camera without the EOS live-view operations.
	NoLiveView bool
	// NoInitiateCapture makes a camera that does not list InitiateCapture (as later
	// EOS bodies, which shoot through vendor operations).
	NoInitiateCapture bool
	// StillWidth and StillHeight size the photographs; default 960 × 1280.
	StillWidth, StillHeight int
	// FrameWidth and FrameHeight size live-view frames; default 640 × 480.
	FrameWidth, FrameHeight int
	// FrameRate caps live-view frames per second (faster polls get "not ready");
	// default 30, negative for no cap.
	FrameRate float64
	// ShutterDelay is the time from InitiateCapture to ObjectAdded; default 100 ms.
	ShutterDelay time.Duration
	// Now is the camera's clock (capture dates, scene time, frame pacing); default
	// time.Now. A fixed clock with FrameRate < 0 makes sessions reproducible for
	// recorded transcripts.
	Now func() time.Time
	// Image, if set, replaces the synthetic scene as the source of stills and frames
	// (a JPEG served as is).
	Image []byte
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.MaxPacket <= 0 {
		r.MaxPacket = 512
	}
	if r.StillWidth <= 0 || r.StillHeight <= 0 {
		r.StillWidth, r.StillHeight = 960, 1280
	}
	if r.FrameWidth <= 0 || r.FrameHeight <= 0 {
		r.FrameWidth, r.FrameHeight = 640, 480
	}
	if r.FrameRate == 0 {
		r.FrameRate = 30
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.ShutterDelay == 0 {
		r.ShutterDelay = 100 * time.Millisecond
	}
	return r
}

// Fault is an injectable failure.
type Fault int

// Faults, each affecting the next command the camera receives.
const (
	// FaultBusy answers DeviceBusy (once per injection).
	FaultBusy Fault = iota + 1
	// FaultStall stalls bulk IN instead of answering; Get Device Status then lists it.
	FaultStall
	// FaultTimeout swallows the command: no data, no response, until cancelled.
	FaultTimeout
	// FaultMalformed sends a response whose length field is wrong.
	FaultMalformed
	// FaultLate holds the response back until the host gives up and cancels, then
	// sends it: a late answer the host must recognise as stale.
	FaultLate
)

// Camera is a running emulated camera. It implements usb.Device.
type Camera struct {
	opts  Options
	desc  usb.DeviceDesc
	start time.Time

	mu         sync.Mutex
	wake       chan struct{} // closed and replaced whenever a reader may proceed
	in         [][]byte      // bulk IN packets waiting for the host
	events     [][]byte      // interrupt IN transfers waiting for the host
	out        []byte        // bulk OUT bytes of the container being received
	pending    *pendingOut   // a command waiting for its data-out phase
	awaitZLP   bool          // a data-out phase of whole packets needs its ZLP
	faults     []Fault
	late       []byte // a held-back response (FaultLate)
	stalledIn  bool
	unplugged  bool
	session    uint32
	lastTID    uint32
	remote     bool
	evfOn      bool
	nextFrame  time.Time // when the next live-view frame is due
	objects    map[uint32]object
	nextHandle uint32
	props      map[uint16][]byte
	frames     map[int][]byte // live-view JPEGs by scene frame index
	violations []string
	log        []string
}

// pendingOut is a command whose data phase the host still owes.
type pendingOut struct {
	op     ptp.OpCode
	tid    uint32
	params []uint32
}

type object struct {
	info ptp.ObjectInfo
	data []byte
}

var _ usb.Device = (*Camera)(nil)

// New starts an emulated camera.
func New(opts *Options) *Camera {
	o := opts.withDefaults()
	c := &Camera{
		opts: o, start: o.Now(), wake: make(chan struct{}),
		objects: map[uint32]object{}, nextHandle: 0x1000, props: map[uint16][]byte{},
	}
	c.desc = usb.DeviceDesc{
		Bus: 1, Address: 9, ID: ptp.EmulatorID, BcdUSB: 0x0200, MaxPacket0: 64,
		Manufacturer: "enrolld", Product: "Virtual EOS", Serial: "EMU0001",
		Configs: []usb.ConfigDesc{{Value: 1, Interfaces: []usb.InterfaceDesc{{
			Number: 0, Class: 6, SubClass: 1, Protocol: 1,
			Endpoints: []usb.EndpointDesc{
				{Address: EPOut, Attributes: 2, MaxPacketSize: uint16(o.MaxPacket)},
				{Address: EPIn, Attributes: 2, MaxPacketSize: uint16(o.MaxPacket)},
				{Address: EPIntr, Attributes: 3, MaxPacketSize: 64, Interval: 8},
			},
		}}}},
	}
	return c
}

// Descriptor returns the emulated device's descriptor.
func (c *Camera) Descriptor() usb.DeviceDesc { return c.desc }

// Inject queues a fault for the next command.
func (c *Camera) Inject(f Fault) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, f)
}

// Unplug makes every transfer fail with usb.ErrNoDevice from now on.
func (c *Camera) Unplug() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unplugged = true
	c.signal()
}

// Close stops the camera, as Unplug.
func (c *Camera) Close() error {
	c.Unplug()
	return nil
}

// Violations returns the protocol violations the camera saw, in order.
func (c *Camera) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}

// Log returns one line per command handled: "OpenSession tid=0 -> OK".
func (c *Camera) Log() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

// Objects returns how many objects are on the emulated card.
func (c *Camera) Objects() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.objects)
}

// violation records a protocol error; c.mu is held.
func (c *Camera) violation(format string, a ...any) {
	c.violations = append(c.violations, fmt.Sprintf(format, a...))
}

// signal wakes blocked readers; c.mu is held.
func (c *Camera) signal() {
	close(c.wake)
	c.wake = make(chan struct{})
}

// waitErr turns a finished context into the transport's sentinel.
func waitErr(ctx context.Context) error {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("ptp/emu: %w", usb.ErrTimeout)
	}
	return fmt.Errorf("ptp/emu: %w", usb.ErrCancelled)
}
