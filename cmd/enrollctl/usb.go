package main

import (
	"context"
	"io"

	"github.com/enrolld/enrolld/drivers/usb/usbtool"
)

// runUSB is "enrollctl usb": list devices, turn usbmon captures into transcripts
// and transcripts into umockdev replay files (see package usbtool).
func runUSB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usbtool.Run(ctx, args, stdout, stderr)
}
