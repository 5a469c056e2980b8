package drivers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

// A tiny vendor protocol for the manager's tests: the fake scanner answers a vendor
// control read of request 0x01 with its model name; the fake driver probes with it.

var fakeID = usb.ID{Vendor: 0x1d50, Product: 0x6000}

// fakeUSB is an in-process USB device speaking the fake protocol.
type fakeUSB struct {
	desc   usb.DeviceDesc
	model  string
	closed atomic.Bool
}

func (f *fakeUSB) Control(ctx context.Context, rType, req uint8, value, index uint16, data []byte) (int, error) {
	if f.closed.Load() {
		return 0, usb.ErrNoDevice
	}
	if rType != usb.DirIn|usb.TypeVendor|usb.RecipDevice || req != 0x01 {
		return 0, usb.ErrStall
	}
	return copy(data, f.model), nil
}

func (f *fakeUSB) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	return 0, usb.ErrStall
}

func (f *fakeUSB) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	return 0, usb.ErrStall
}

func (f *fakeUSB) Descriptor() usb.DeviceDesc { return f.desc }

func (f *fakeUSB) Close() error {
	if f.closed.Swap(true) {
		return errors.New("fake: closed twice")
	}
	return nil
}

// fakeScanner is the device the fake driver returns.
type fakeScanner struct {
	model  string
	path   string
	halted atomic.Int32
}

func (s *fakeScanner) Info() capture.Info {
	return capture.Info{Kind: capture.KindFinger, Driver: "fake", Model: s.model, Path: s.path}
}
func (s *fakeScanner) String() string { return "fake " + s.model }
func (s *fakeScanner) Halt() error    { s.halted.Add(1); return nil }
func (s *fakeScanner) CaptureFinger(ctx context.Context, progress func(string)) (*capture.FingerImage, error) {
	return nil, capture.ErrNotSupported
}

// fakeOpenUSB probes t with the fake protocol.
func fakeOpenUSB(ctx context.Context, t usb.Transport, opts Options) (capture.Device, error) {
	buf := make([]byte, 32)
	n, err := t.Control(ctx, usb.DirIn|usb.TypeVendor|usb.RecipDevice, 0x01, 0, 0, buf)
	if err != nil {
		return nil, fmt.Errorf("fake: reading the model: %w", err)
	}
	if n == 0 {
		return nil, errors.New("fake: empty model name")
	}
	return &fakeScanner{model: string(buf[:n]), path: t.Descriptor().String()}, nil
}

// fakeLab records what the fake emulator started, for the tests to inspect.
type fakeLab struct {
	mu      sync.Mutex
	started []*fakeUSB
}

func (l *fakeLab) emulator() Emulator {
	return Emulator{Driver: "fake", USB: func(ctx context.Context, opts Options) (usb.Device, error) {
		model := opts["model"]
		if model == "broken" {
			model = "" // the probe then fails
		}
		d := &fakeUSB{desc: usb.DeviceDesc{ID: fakeID}, model: model}
		l.mu.Lock()
		defer l.mu.Unlock()
		l.started = append(l.started, d)
		return d, nil
	}}
}

func (l *fakeLab) devices() []*fakeUSB {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*fakeUSB(nil), l.started...)
}

// fakeBus is a USB bus holding fake devices.
type fakeBus struct{ devs []*fakeUSB }

func (b *fakeBus) Devices(ctx context.Context) ([]usb.DeviceDesc, error) {
	out := make([]usb.DeviceDesc, len(b.devs))
	for i, d := range b.devs {
		out[i] = d.desc
	}
	return out, nil
}

func (b *fakeBus) Open(ctx context.Context, desc usb.DeviceDesc) (usb.Device, error) {
	for _, d := range b.devs {
		if d.desc.Bus == desc.Bus && d.desc.Address == desc.Address {
			d.closed.Store(false)
			return d, nil
		}
	}
	return nil, usb.ErrNoDevice
}

// newFakeRegistry returns a registry with the fake USB driver and its emulator, a
// serial driver without emulator and a driver that never finishes opening.
func newFakeRegistry(lab *fakeLab, hang chan struct{}, hung *fakeScanner) *Registry {
	r := &Registry{}
	r.Register(Driver{Name: "fake", Kind: capture.KindFinger, USB: []usb.ID{fakeID}, OpenUSB: fakeOpenUSB})
	r.RegisterEmulator(lab.emulator())
	r.Register(Driver{Name: "fakeserial", Kind: capture.KindSignature,
		OpenSerial: func(ctx context.Context, path string, opts Options) (capture.Device, error) {
			return nil, errors.New("fakeserial: no pen")
		}})
	r.Register(Driver{Name: "hang", Kind: capture.KindFinger,
		OpenSDK: func(ctx context.Context, opts Options) (capture.Device, error) {
			<-hang // ignores ctx on purpose
			return hung, nil
		}})
	return r
}
