package libusb

import (
	"context"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Watch reports devices arriving and leaving by enumerating every
// opts.Interval (gousb has no hot-plug); see usb.Watch. Stop it by ending ctx
// before closing the bus.
func (b *Bus) Watch(ctx context.Context, opts *usb.WatchOptions) <-chan usb.Event {
	return usb.Watch(ctx, b, opts)
}
