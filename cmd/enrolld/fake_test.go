package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"
)

// Test-only drivers: "fakeusb" is a USB finger scanner whose emulator answers a
// vendor control read (request 0x01) with its model name, and "gate" is an SDK
// camera whose open waits until the test lets it through, so tests can watch the
// daemon before its devices are initialised.

type fakeTransport struct {
	model  string
	closed atomic.Bool
}

func (f *fakeTransport) Control(ctx context.Context, rType, req uint8, value, index uint16, data []byte) (int, error) {
	if f.closed.Load() {
		return 0, usb.ErrNoDevice
	}
	if rType != usb.DirIn|usb.TypeVendor || req != 0x01 {
		return 0, usb.ErrStall
	}
	return copy(data, f.model), nil
}
func (f *fakeTransport) Read(context.Context, uint8, []byte) (int, error)  { return 0, usb.ErrStall }
func (f *fakeTransport) Write(context.Context, uint8, []byte) (int, error) { return 0, usb.ErrStall }
func (f *fakeTransport) Descriptor() usb.DeviceDesc {
	return usb.DeviceDesc{ID: usb.ID{Vendor: 0x1d50, Product: 0x6000}}
}
func (f *fakeTransport) Close() error { f.closed.Store(true); return nil }

type fakeDevice struct {
	kind   capture.Kind
	model  string
	halted atomic.Bool
}

func (d *fakeDevice) Info() capture.Info {
	return capture.Info{Kind: d.kind, Driver: "fake", Model: d.model, Path: "emulated"}
}
func (d *fakeDevice) String() string { return "fake " + d.model }
func (d *fakeDevice) Halt() error    { d.halted.Store(true); return nil }
func (d *fakeDevice) CaptureFinger(context.Context, func(string)) (*capture.FingerImage, error) {
	return nil, capture.ErrNotSupported
}
func (d *fakeDevice) CaptureStill(context.Context) (*capture.Still, error) {
	return nil, capture.ErrNotSupported
}
func (d *fakeDevice) LiveView(context.Context, chan<- capture.Frame) error {
	return capture.ErrNotSupported
}

// newTestRegistry registers the fake drivers; gate blocks "gate" devices until closed.
func newTestRegistry(gate <-chan struct{}) *drivers.Registry {
	r := &drivers.Registry{}
	r.Register(drivers.Driver{Name: "fakeusb", Kind: capture.KindFinger,
		USB: []usb.ID{{Vendor: 0x1d50, Product: 0x6000}},
		OpenUSB: func(ctx context.Context, t usb.Transport, opts drivers.Options) (capture.Device, error) {
			buf := make([]byte, 16)
			n, err := t.Control(ctx, usb.DirIn|usb.TypeVendor, 0x01, 0, 0, buf)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, errors.New("fakeusb: no model")
			}
			return &fakeDevice{kind: capture.KindFinger, model: string(buf[:n])}, nil
		}})
	r.RegisterEmulator(drivers.Emulator{Driver: "fakeusb",
		USB: func(ctx context.Context, opts drivers.Options) (usb.Device, error) {
			return &fakeTransport{model: opts["model"]}, nil
		}})
	r.Register(drivers.Driver{Name: "gate", Kind: capture.KindCamera,
		OpenSDK: func(ctx context.Context, opts drivers.Options) (capture.Device, error) {
			select {
			case <-gate:
				return &fakeDevice{kind: capture.KindCamera, model: "gated"}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}})
	return r
}

// fakeBus is a USB bus whose devices the test plugs in and out.
type fakeBus struct {
	mu   sync.Mutex
	devs []pluggedDevice
}

type pluggedDevice struct {
	desc usb.DeviceDesc
	t    *fakeTransport
}

func (b *fakeBus) plug(desc usb.DeviceDesc, model string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.devs = append(b.devs, pluggedDevice{desc, &fakeTransport{model: model}})
}

func (b *fakeBus) unplug(desc usb.DeviceDesc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, p := range b.devs {
		if p.desc.Bus == desc.Bus && p.desc.Address == desc.Address {
			p.t.closed.Store(true)
			b.devs = append(b.devs[:i], b.devs[i+1:]...)
			return
		}
	}
}

func (b *fakeBus) Devices(ctx context.Context) ([]usb.DeviceDesc, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []usb.DeviceDesc
	for _, p := range b.devs {
		out = append(out, p.desc)
	}
	return out, nil
}

func (b *fakeBus) Open(ctx context.Context, d usb.DeviceDesc) (usb.Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.devs {
		if p.desc.Bus == d.Bus && p.desc.Address == d.Address {
			p.t.closed.Store(false)
			return p.t, nil
		}
	}
	return nil, usb.ErrNoDevice
}
