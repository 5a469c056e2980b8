package firmware_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware"
	"github.com/enrolld/enrolld/firmware/emu"
)

// fixture is an emulated device, a signing key and an updater journalling to a temp dir.
type fixture struct {
	dev  *emu.Device
	key  ed25519.PrivateKey
	upd  *firmware.Updater
	dir  string
	conf emu.Config
}

func newFixture(t testing.TB, cfg emu.Config) *fixture {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 64)))
	dir := t.TempDir()
	j, err := firmware.OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	dev := emu.New(cfg)
	return &fixture{dev: dev, key: key, dir: dir, conf: cfg, upd: &firmware.Updater{
		Bus: emu.Bus{Dev: dev}, Keys: firmware.NewTrustedKeys(key.Public().(ed25519.PublicKey)), Journal: j,
		EnumerateTimeout: 2 * time.Second,
	}}
}

// bundle signs an emulated image of version v (size bytes) for the fixture's device.
func (f *fixture) bundle(t testing.TB, v string, lowest string, size int) []byte {
	t.Helper()
	ver, _ := firmware.ParseVersion(v)
	low, _ := firmware.ParseVersion(lowest)
	cfg := emu.DefaultConfig()
	m := firmware.Manifest{Name: "test", Protocol: firmware.ProtocolDFU11, Version: ver, LowestAllowed: low,
		Devices: []firmware.DeviceMatch{{Runtime: cfg.Runtime, DFU: cfg.DFU}}}
	b, err := firmware.Sign(m, emu.Image(uint16(ver), size, 1), f.key)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (f *fixture) current(t testing.TB) usb.DeviceDesc {
	t.Helper()
	devs, err := f.upd.Bus.Devices(context.Background())
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices: %v %v", devs, err)
	}
	return devs[0]
}

func TestApplyEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  emu.Config
	}{
		{"tolerant with read-back", emu.DefaultConfig()},
		{"needs reset, no upload", func() emu.Config {
			c := emu.DefaultConfig()
			c.ManifestationTolerant, c.CanUpload = false, false
			return c
		}()},
		{"detaches by itself, small blocks", func() emu.Config {
			c := emu.DefaultConfig()
			c.WillDetach, c.TransferSize = true, 64
			return c
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.cfg)
			raw := f.bundle(t, "1.10", "1.05", 10000)
			var phases []string
			err := f.upd.Apply(context.Background(), raw, f.current(t), "tech1", func(p string, done, total int) {
				if len(phases) == 0 || phases[len(phases)-1] != p {
					phases = append(phases, p)
				}
			})
			if err != nil {
				t.Fatalf("apply: %v (phases %v)", err, phases)
			}
			if got := f.current(t); got.BcdDevice != 0x0110 || got.ID != tc.cfg.Runtime {
				t.Fatalf("after update: %+v", got)
			}
			if f.dev.EarlyPolls != 0 {
				t.Errorf("host polled %d times before bwPollTimeout elapsed", f.dev.EarlyPolls)
			}
			if low := f.upd.Journal.LowestAllowed(firmware.DeviceKey(tc.cfg.Runtime, tc.cfg.Serial)); low.String() != "1.05" {
				t.Errorf("lowest allowed persisted %s, want 1.05", low)
			}
			if len(f.upd.Journal.Unfinished()) != 0 {
				t.Errorf("journal has unfinished updates")
			}
		})
	}
}

func TestRefusedBeforeAnyTransfer(t *testing.T) {
	f := newFixture(t, emu.DefaultConfig())
	good := f.bundle(t, "1.10", "1.00", 4096)
	// Move the device to 1.10 with lowest allowed 1.08 to test rollback afterwards.
	if err := f.upd.Apply(context.Background(), f.bundle(t, "1.20", "1.15", 4096), f.current(t), "t", nil); err != nil {
		t.Fatal(err)
	}
	_, otherKey, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{9}, 64)))
	foreign := func() []byte {
		g := *f
		g.key = otherKey
		return g.bundle(t, "1.30", "1.00", 4096)
	}()
	tamper := func(raw []byte, at int) []byte {
		c := append([]byte(nil), raw...)
		c[at] ^= 1
		return c
	}
	wrongDev := func() []byte {
		b, _ := firmware.ParseBundle(good)
		b.Manifest.Devices[0].Runtime.Product++
		b.Manifest.Devices[0].DFU.Product++
		s, _ := firmware.Sign(b.Manifest, b.Payload, f.key)
		var buf bytes.Buffer
		_ = s.Encode(&buf)
		return buf.Bytes()
	}()
	cases := []struct {
		name string
		raw  []byte
		want error
	}{
		{"tampered payload", tamper(f.bundle(t, "1.30", "1.00", 4096), len(f.bundle(t, "1.30", "1.00", 4096))-10), firmware.ErrHashMismatch},
		{"tampered manifest", tamper(f.bundle(t, "1.30", "1.00", 4096), 20), nil},
		{"unknown key", foreign, firmware.ErrUnknownKey},
		{"wrong device", wrongDev, firmware.ErrWrongDevice},
		{"older version", f.bundle(t, "1.16", "1.00", 4096), firmware.ErrNotNewer},
		{"same version", f.bundle(t, "1.20", "1.00", 4096), firmware.ErrNotNewer},
	}
	before := f.dev.Downloads
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := f.upd.Apply(context.Background(), tc.raw, f.current(t), "t", nil)
			if err == nil {
				t.Fatal("applied")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if tc.want == nil && !errors.Is(err, firmware.ErrBadSignature) && !errors.Is(err, firmware.ErrMalformed) {
				t.Fatalf("err %v, want a signature or format error", err)
			}
		})
	}
	if f.dev.Downloads != before || f.current(t).BcdDevice != 0x0120 {
		t.Fatal("a refused bundle touched the device")
	}
}

func TestBelowLowestAllowedRefused(t *testing.T) {
	cfg := emu.DefaultConfig()
	cfg.Version = 0x0100
	f := newFixture(t, cfg)
	if err := f.upd.Apply(context.Background(), f.bundle(t, "1.20", "1.15", 2048), f.current(t), "t", nil); err != nil {
		t.Fatal(err)
	}
	// Pretend the device was swapped back to an old firmware by other means: the
	// persisted lowest version still forbids going below 1.15.
	f.dev.InjectFault(emu.NoFault, 0)
	err := f.upd.Apply(context.Background(), f.bundle(t, "1.10", "1.00", 2048), f.current(t), "t", nil)
	if !errors.Is(err, firmware.ErrRollback) && !errors.Is(err, firmware.ErrNotNewer) {
		t.Fatalf("err %v", err)
	}
	j, _ := firmware.OpenJournal(f.dir)
	f.upd.Journal = j
	desc := f.current(t)
	desc.BcdDevice = 0x0101 // a device reporting an old version is still held to 1.15
	err = f.upd.Apply(context.Background(), f.bundle(t, "1.10", "1.00", 2048), desc, "t", nil)
	if !errors.Is(err, firmware.ErrRollback) {
		t.Fatalf("err %v, want rollback refusal", err)
	}
}

func TestBusyDeviceRefused(t *testing.T) {
	f := newFixture(t, emu.DefaultConfig())
	f.upd.Busy = func(usb.DeviceDesc) bool { return true }
	err := f.upd.Apply(context.Background(), f.bundle(t, "1.10", "1.00", 2048), f.current(t), "t", nil)
	if !errors.Is(err, firmware.ErrDeviceBusy) {
		t.Fatalf("err %v", err)
	}
}

func TestDeviceErrorsRecovered(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault emu.Fault
	}{{"errWRITE", emu.FaultWrite}, {"stall", emu.FaultStall}, {"errVERIFY", emu.FaultVerify}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, emu.DefaultConfig())
			f.dev.InjectFault(tc.fault, 2)
			if err := f.upd.Apply(context.Background(), f.bundle(t, "1.10", "1.00", 20000), f.current(t), "t", nil); err != nil {
				t.Fatalf("apply after one %s: %v", tc.name, err)
			}
			if f.current(t).BcdDevice != 0x0110 {
				t.Fatal("not updated")
			}
		})
	}
}

func TestPowerLossThenRecoveryOnRestart(t *testing.T) {
	for _, block := range []int{0, 3, 9} {
		f := newFixture(t, emu.DefaultConfig())
		raw := f.bundle(t, "1.10", "1.02", 20000) // 10 blocks of 2 KiB
		f.dev.InjectFault(emu.FaultPower, block)
		err := f.upd.Apply(context.Background(), raw, f.current(t), "t", nil)
		if !errors.Is(err, usb.ErrNoDevice) {
			t.Fatalf("block %d: err %v, want the device lost", block, err)
		}
		f.dev.PowerOn()
		if !f.dev.InDFUMode() {
			t.Fatal("device without valid firmware must come back in DFU mode")
		}
		// A restarted daemon reopens the journal and recovers.
		j, err := firmware.OpenJournal(f.dir)
		if err != nil {
			t.Fatal(err)
		}
		f.upd.Journal = j
		if n := len(j.Unfinished()); n != 1 {
			t.Fatalf("unfinished updates %d, want 1", n)
		}
		if err := f.upd.Recover(context.Background()); err != nil {
			t.Fatalf("recover: %v", err)
		}
		if got := f.current(t); got.BcdDevice != 0x0110 || f.dev.InDFUMode() {
			t.Fatalf("after recovery: %+v", got)
		}
		if !bytes.Equal(f.dev.Firmware(), emu.Image(0x0110, 20000, 1)) {
			t.Fatal("firmware differs from the payload")
		}
		if len(j.Unfinished()) != 0 || j.LowestAllowed(firmware.DeviceKey(f.conf.Runtime, f.conf.Serial)).String() != "1.02" {
			t.Fatal("journal not closed after recovery")
		}
	}
}
