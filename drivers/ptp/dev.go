package ptp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/devmetrics"
	"github.com/enrolld/enrolld/drivers/usb"
)

// ErrHalted means the camera was halted.
var ErrHalted = errors.New("ptp: camera halted")

// Options configure New. Zero fields take the defaults.
type Options struct {
	// Timeout bounds each USB transfer; default 5 s.
	Timeout time.Duration
	// BusyRetries is how often an operation answered DeviceBusy is retried; default 20.
	BusyRetries int
	// BusyBackoff is the first wait before a retry (doubling up to 1 s); default 50 ms.
	BusyBackoff time.Duration
	// CaptureTimeout bounds the wait for CaptureComplete; default 15 s.
	CaptureTimeout time.Duration
	// FramePoll is the wait after the camera says no new live-view frame; default 5 ms.
	FramePoll time.Duration
	// KeepOnCard leaves the photo on the camera's card instead of deleting it.
	KeepOnCard bool
	// Metrics, if set, receives capture, live-view and error metrics.
	Metrics *devmetrics.Metrics
	// Now stamps stills and frames; default time.Now.
	Now func() time.Time
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Timeout <= 0 {
		r.Timeout = 5 * time.Second
	}
	if r.BusyRetries == 0 {
		r.BusyRetries = 20
	}
	if r.BusyBackoff <= 0 {
		r.BusyBackoff = 50 * time.Millisecond
	}
	if r.CaptureTimeout <= 0 {
		r.CaptureTimeout = 15 * time.Second
	}
	if r.FramePoll <= 0 {
		r.FramePoll = 5 * time.Millisecond
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r
}

// Dev is a PTP camera with an open session.
type Dev struct {
	desc usb.DeviceDesc
	info *DeviceInfo
	opts Options

	mu      sync.Mutex // one transaction at a time
	c       *conn
	halted  bool
	capture sync.Mutex // one still capture at a time
}

var (
	_ capture.Camera          = (*Dev)(nil)
	_ devmetrics.Instrumented = (*Dev)(nil)
)

// New reads the camera's DeviceInfo, opens a session and, on a Canon EOS, enters remote
// mode. The caller keeps ownership of t.
func New(ctx context.Context, t usb.Transport, opts *Options) (*Dev, error) {
	desc := t.Descriptor()
	ep, err := findEndpoints(desc)
	if err != nil {
		return nil, err
	}
	d := &Dev{desc: desc, opts: opts.withDefaults()}
	d.c = newConn(t, ep, d.opts)
	_, data, err := d.c.transact(ctx, OpGetDeviceInfo, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("ptp: %v: %w", desc, err)
	}
	if d.info, err = ParseDeviceInfo(data); err != nil {
		return nil, fmt.Errorf("ptp: %v: %w", desc, err)
	}
	if err := d.openSession(ctx); err != nil {
		return nil, fmt.Errorf("ptp: %v: %w", desc, err)
	}
	if d.isCanon() && d.info.Supports(OpCanonSetRemoteMode) {
		for _, op := range []OpCode{OpCanonSetRemoteMode, OpCanonSetEventMode} {
			if _, _, err := d.c.transact(ctx, op, []uint32{1}, nil); err != nil {
				return nil, fmt.Errorf("ptp: %v: %w", desc, err)
			}
		}
	}
	return d, nil
}

// openSession opens session 1; a session a previous program left open is closed first.
func (d *Dev) openSession(ctx context.Context) error {
	_, _, err := d.c.transact(ctx, OpOpenSession, []uint32{1}, nil)
	var oe *OpError
	if errors.As(err, &oe) && oe.Code == RespSessionAlreadyOpen {
		d.c.inSession, d.c.nextTID = true, 1
		if _, _, err := d.c.transact(ctx, OpCloseSession, nil, nil); err != nil {
			return err
		}
		d.c.inSession = false
		_, _, err = d.c.transact(ctx, OpOpenSession, []uint32{1}, nil)
	}
	if err != nil {
		return err
	}
	d.c.inSession, d.c.nextTID = true, 1
	return nil
}

func (d *Dev) isCanon() bool { return d.info.VendorExtensionID == VendorCanon }

// DeviceInfo returns what the camera said about itself.
func (d *Dev) DeviceInfo() *DeviceInfo { return d.info }

// do runs one transaction under the device lock.
func (d *Dev) do(ctx context.Context, op OpCode, params []uint32, out []byte) (Response, []byte, uint32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.halted {
		return Response{}, nil, 0, fmt.Errorf("%v: %w", d, ErrHalted)
	}
	r, data, err := d.c.transact(ctx, op, params, out)
	return r, data, d.c.lastTID, err
}

// SetMetrics makes the camera report into m (devmetrics.Instrumented); call it before
// the camera is used.
func (d *Dev) SetMetrics(m *devmetrics.Metrics) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opts.Metrics, d.c.opts.Metrics = m, m
}

// Info describes the camera.
func (d *Dev) Info() capture.Info {
	return capture.Info{
		Kind:     capture.KindCamera,
		Driver:   "ptp",
		Model:    d.info.Manufacturer + " " + d.info.Model,
		Serial:   d.info.SerialNumber,
		Firmware: d.info.DeviceVersion,
		Path:     fmt.Sprintf("usb %d/%d", d.desc.Bus, d.desc.Address),
	}
}

// String names the camera for logs.
func (d *Dev) String() string { return fmt.Sprintf("ptp %s (%v)", d.info.Model, d.desc) }

// Halt closes the session; it is safe to call twice.
func (d *Dev) Halt() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.halted {
		return nil
	}
	d.halted = true
	ctx, cancel := context.WithTimeout(context.Background(), d.opts.Timeout)
	defer cancel()
	if _, _, err := d.c.transact(ctx, OpCloseSession, nil, nil); err != nil && !errors.Is(err, capture.ErrUnplugged) {
		return fmt.Errorf("ptp: halt %v: %w", d.desc, err)
	}
	d.c.inSession = false
	return nil
}
