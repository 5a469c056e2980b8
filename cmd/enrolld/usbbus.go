package main

import (
	"context"
	"sync"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb"
)

// openUSBBus returns the bus real USB devices are found on and a function that
// releases it. Built without cgo there is none: only emulated, serial and SDK
// devices open, and USB devices are reported as failed with that reason. libusb
// itself is initialised on first use, so a station with only emulated devices
// (the demo) never touches the USB subsystem.
func openUSBBus() (usb.Bus, func() error, error) {
	if !libusb.Available {
		return nil, func() error { return nil }, nil
	}
	b := &lazyBus{}
	return b, b.Close, nil
}

// lazyBus opens libusb when first asked to enumerate or open, and tries again on
// the next call if that failed (usbfs may appear later, say after a udev rule).
type lazyBus struct {
	mu  sync.Mutex
	bus *libusb.Bus
}

func (l *lazyBus) get() (*libusb.Bus, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bus != nil {
		return l.bus, nil
	}
	b, err := libusb.Open(nil)
	if err != nil {
		return nil, err
	}
	l.bus = b
	return b, nil
}

// Devices enumerates the bus.
func (l *lazyBus) Devices(ctx context.Context) ([]usb.DeviceDesc, error) {
	b, err := l.get()
	if err != nil {
		return nil, err
	}
	return b.Devices(ctx)
}

// Open opens the device d.
func (l *lazyBus) Open(ctx context.Context, d usb.DeviceDesc) (usb.Device, error) {
	b, err := l.get()
	if err != nil {
		return nil, err
	}
	return b.Open(ctx, d)
}

// Close releases libusb if it was opened.
func (l *lazyBus) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bus == nil {
		return nil
	}
	err := l.bus.Close()
	l.bus = nil
	return err
}
