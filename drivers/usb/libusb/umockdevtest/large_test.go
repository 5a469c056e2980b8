//go:build cgo

package umockdevtest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// TestLargestTransfer replays the largest transfer a capture can hold (256 KiB
// less the usbmon header) in both directions: one URB each, as libusb submits
// them to umockdev.
func TestLargestTransfer(t *testing.T) {
	const size = 256<<10 - 64
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 7)
	}
	tr := &usbtest.Transcript{
		Device: usb.DeviceDesc{ID: usb.ID{Vendor: 0x1209, Product: 0x0001}, BcdUSB: 0x0200, MaxPacket0: 64,
			Configs: []usb.ConfigDesc{{Value: 1, Interfaces: []usb.InterfaceDesc{{Class: 0xff, Endpoints: []usb.EndpointDesc{
				{Address: 0x01, Attributes: 2, MaxPacketSize: 512}, {Address: 0x81, Attributes: 2, MaxPacketSize: 512}}}}}}},
		Transfers: []usbtest.Transfer{
			{Kind: usbtest.Read, Endpoint: 0x81, Length: size, In: data},
			{Kind: usbtest.Write, Endpoint: 0x01, Length: size, Out: data},
		},
	}
	Run(t, tr, func(t *testing.T, dev usb.Device) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		buf := make([]byte, size)
		if n, err := dev.Read(ctx, 0x81, buf); err != nil || !bytes.Equal(buf[:n], data) {
			t.Fatalf("read: %d bytes, %v", n, err)
		}
		if n, err := dev.Write(ctx, 0x01, data); err != nil || n != size {
			t.Fatalf("write: %d bytes, %v", n, err)
		}
	})
}
