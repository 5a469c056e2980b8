package firmware_test

import (
	"context"
	"errors"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware"
	"github.com/enrolld/enrolld/firmware/emu"
)

func dfuFile(bcd uint16, id usb.ID) []byte {
	return (&firmware.DFUFile{Payload: emu.Image(bcd, 6000, 2), BcdDevice: bcd, ID: id, BcdDFU: 0x0100}).Encode()
}

func TestPlainDFUFiles(t *testing.T) {
	cfg := emu.DefaultConfig()
	f := newFixture(t, cfg)
	ctx := context.Background()
	if err := f.upd.ApplyDFU(ctx, dfuFile(0x0120, cfg.DFU), f.current(t), "tech", nil); !errors.Is(err, firmware.ErrUnsigned) {
		t.Fatalf("unsigned file without permission: %v", err)
	}
	f.upd.AllowUnsigned = true
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"wrong device", dfuFile(0x0120, usb.ID{Vendor: 0x1234, Product: 0x5678}), firmware.ErrWrongDevice},
		{"bad crc", func() []byte { b := dfuFile(0x0120, cfg.DFU); b[0] ^= 1; return b }(), firmware.ErrBadCRC},
		{"no version", dfuFile(0xFFFF, cfg.DFU), firmware.ErrMalformed},
		{"not newer", dfuFile(0x0100, cfg.DFU), firmware.ErrNotNewer},
	} {
		if err := f.upd.ApplyDFU(ctx, tc.raw, f.current(t), "tech", nil); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
	// The suffix names the DFU-mode id, as dfu-util writes it for this device.
	if err := f.upd.ApplyDFU(ctx, dfuFile(0x0120, cfg.DFU), f.current(t), "tech", nil); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if got := f.current(t); got.BcdDevice != 0x0120 {
		t.Fatalf("device runs %#04x after the update", got.BcdDevice)
	}
}

func TestPlainDFURecoveredAfterPowerLoss(t *testing.T) {
	cfg := emu.DefaultConfig()
	f := newFixture(t, cfg)
	f.upd.AllowUnsigned = true
	f.dev.InjectFault(emu.FaultPower, 1)
	if err := f.upd.ApplyDFU(context.Background(), dfuFile(0x0130, cfg.DFU), f.current(t), "tech", nil); !errors.Is(err, usb.ErrNoDevice) {
		t.Fatalf("err %v, want the device lost", err)
	}
	f.dev.PowerOn()
	if err := f.upd.Recover(context.Background()); err != nil {
		t.Fatalf("recover: %v", err)
	}
	if got := f.current(t); got.BcdDevice != 0x0130 {
		t.Fatalf("after recovery the device runs %#04x", got.BcdDevice)
	}
}
