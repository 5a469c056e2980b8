package emu

import (
	"context"
	"fmt"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Bus is a one-device USB bus holding the emulated device.
type Bus struct {
	Dev *Device // the only device on the bus
}

var _ usb.Bus = Bus{}

// Devices lists the device if it is powered.
func (b Bus) Devices(ctx context.Context) ([]usb.DeviceDesc, error) {
	b.Dev.mu.Lock()
	defer b.Dev.mu.Unlock()
	if !b.Dev.present {
		return nil, nil
	}
	return []usb.DeviceDesc{b.Dev.descriptor()}, nil
}

// Open opens the device if d still names it.
func (b Bus) Open(ctx context.Context, d usb.DeviceDesc) (usb.Device, error) {
	b.Dev.mu.Lock()
	defer b.Dev.mu.Unlock()
	if !b.Dev.present || d.Address != b.Dev.address {
		return nil, fmt.Errorf("emu: open %s: %w", d, usb.ErrNoDevice)
	}
	return &handle{dev: b.Dev, gen: b.Dev.generation, desc: b.Dev.descriptor()}, nil
}

// handle is one opened instance; it dies when the device resets or loses power.
type handle struct {
	dev    *Device
	gen    int
	desc   usb.DeviceDesc
	closed bool
}

var (
	_ usb.Device   = (*handle)(nil)
	_ usb.Resetter = (*handle)(nil)
)

func (h *handle) alive() error {
	if h.closed || !h.dev.present || h.gen != h.dev.generation {
		return usb.ErrNoDevice
	}
	return nil
}

// Control runs a control transfer through the device's state machine.
func (h *handle) Control(ctx context.Context, rType, req uint8, value, index uint16, data []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("%w: %v", usb.ErrCancelled, err)
	}
	h.dev.mu.Lock()
	defer h.dev.mu.Unlock()
	if err := h.alive(); err != nil {
		return 0, err
	}
	return h.dev.control(rType, req, value, data)
}

// Read fails: the emulated device has no data endpoints.
func (h *handle) Read(ctx context.Context, ep uint8, buf []byte) (int, error) {
	return 0, fmt.Errorf("emu: endpoint %#02x: %w", ep, usb.ErrStall)
}

// Write fails: the emulated device has no data endpoints.
func (h *handle) Write(ctx context.Context, ep uint8, data []byte) (int, error) {
	return 0, fmt.Errorf("emu: endpoint %#02x: %w", ep, usb.ErrStall)
}

// Descriptor returns the descriptor as of opening.
func (h *handle) Descriptor() usb.DeviceDesc { return h.desc }

// Reset issues a USB reset; the device re-enumerates and this handle dies.
func (h *handle) Reset(ctx context.Context) error {
	h.dev.mu.Lock()
	defer h.dev.mu.Unlock()
	if err := h.alive(); err != nil {
		return err
	}
	h.dev.reset()
	return nil
}

// Close releases the handle.
func (h *handle) Close() error {
	h.dev.mu.Lock()
	defer h.dev.mu.Unlock()
	h.closed = true
	return nil
}
