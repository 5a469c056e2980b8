//go:build !cgo

package libusb

import (
	"context"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Available reports whether this build can talk to USB devices (it needs cgo).
const Available = false

// Bus is a libusb context; without cgo it cannot be opened.
type Bus struct{}

var _ usb.Bus = (*Bus)(nil)

// Open returns ErrNoCgo: this binary was built without cgo.
func Open(opts *Options) (*Bus, error) { return nil, ErrNoCgo }

// Devices returns ErrNoCgo.
func (b *Bus) Devices(ctx context.Context) ([]usb.DeviceDesc, error) { return nil, ErrNoCgo }

// Open returns ErrNoCgo.
func (b *Bus) Open(ctx context.Context, d usb.DeviceDesc) (usb.Device, error) { return nil, ErrNoCgo }

// Close does nothing.
func (b *Bus) Close() error { return nil }
