//go:build cgo

package libusb

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/gousb"

	"github.com/enrolld/enrolld/drivers/usb"
)

// sentinelOf maps a gousb error to the usb sentinel callers branch on, or nil.
// ctx decides whether a cancelled transfer timed out or was cancelled.
func sentinelOf(ctx context.Context, err error) error {
	var code gousb.Error
	var status gousb.TransferStatus
	switch {
	case errors.As(err, &code):
		switch code {
		case gousb.ErrorTimeout:
			return usb.ErrTimeout
		case gousb.ErrorPipe:
			return usb.ErrStall
		case gousb.ErrorNoDevice:
			return usb.ErrNoDevice
		case gousb.ErrorOverflow:
			return usb.ErrOverflow
		case gousb.ErrorInterrupted:
			return cancelled(ctx)
		}
	case errors.As(err, &status):
		switch status {
		case gousb.TransferTimedOut:
			return usb.ErrTimeout
		case gousb.TransferStall:
			return usb.ErrStall
		case gousb.TransferNoDevice:
			return usb.ErrNoDevice
		case gousb.TransferOverflow:
			return usb.ErrOverflow
		case gousb.TransferCancelled:
			return cancelled(ctx)
		}
	}
	return nil
}

// cancelled tells a deadline from a cancellation.
func cancelled(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return usb.ErrTimeout
	}
	return usb.ErrCancelled
}

// wrap describes a failed operation on dev, wrapping both the usb sentinel (when
// there is one) and the original gousb error.
func wrap(ctx context.Context, dev usb.DeviceDesc, op string, err error) error {
	if err == nil {
		return nil
	}
	if s := sentinelOf(ctx, err); s != nil {
		return fmt.Errorf("libusb: %s: %s: %w (%w)", dev, op, s, err)
	}
	return fmt.Errorf("libusb: %s: %s: %w", dev, op, err)
}
