package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware"
	"github.com/enrolld/enrolld/firmware/emu"
	"github.com/prometheus/client_golang/prometheus"
)

// firmwareConfig is the firmware section: which keys may sign firmware, and whether
// a technician may apply unsigned .dfu files.
type firmwareConfig struct {
	// TrustedKeys are the Ed25519 keys allowed to sign bundles: base64 of the 32 key
	// bytes, or the path of a PEM public key file.
	TrustedKeys []string `yaml:"trusted_keys"`
	// AllowUnsignedDFU lets a technician apply plain .dfu files (suffix and CRC checked,
	// no signature). Anti-rollback still applies. Off by default.
	AllowUnsignedDFU bool `yaml:"allow_unsigned_dfu"`
	// EmulateDevice adds an emulated DFU-capable device (demos and tests).
	EmulateDevice bool `yaml:"emulate_device"`
}

func (f firmwareConfig) validate(p *problems) {
	for i, k := range f.TrustedKeys {
		if _, err := loadTrustedKey(k); err != nil {
			p.addf(fmt.Sprintf("firmware.trusted_keys[%d]", i), "%v", err)
		}
	}
}

// loadTrustedKey reads a key given inline (base64) or as a PEM file path.
func loadTrustedKey(s string) ([]byte, error) {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".pub") || strings.HasSuffix(s, ".pem") {
		b, err := os.ReadFile(s)
		if err != nil {
			return nil, fmt.Errorf("cannot read key file: %v", err)
		}
		k, err := firmware.ParsePublicKey(b)
		return k, err
	}
	k, err := firmware.ParsePublicKey([]byte(s))
	return k, err
}

// firmwareSubsystem owns the update journal and applies bundles to USB devices. It
// recovers interrupted updates when it starts.
type firmwareSubsystem struct {
	log     *slog.Logger
	updater *firmware.Updater
	dir     string
	running atomic.Bool // one update at a time
}

func newFirmware(cfg firmwareConfig, dir string, bus usb.Bus, busy func() bool, reg prometheus.Registerer, log *slog.Logger) (*firmwareSubsystem, error) {
	keys := firmware.TrustedKeys{}
	for _, s := range cfg.TrustedKeys {
		k, err := loadTrustedKey(s)
		if err != nil {
			return nil, err
		}
		keys[firmware.KeyID(k)] = k
	}
	if cfg.EmulateDevice {
		bus = emu.Bus{Dev: emu.New(emu.DefaultConfig())}
	}
	return &firmwareSubsystem{log: log, dir: dir, updater: &firmware.Updater{
		Bus: bus, Keys: keys, AllowUnsigned: cfg.AllowUnsignedDFU, Busy: func(usb.DeviceDesc) bool { return busy() },
		Metrics: firmware.NewMetrics(reg),
	}}, nil
}

func (f *firmwareSubsystem) Name() string { return "firmware" }

// Start opens the journal and finishes updates a previous run left unfinished.
func (f *firmwareSubsystem) Start(ctx context.Context) error {
	j, err := firmware.OpenJournal(f.dir)
	if err != nil {
		return err
	}
	f.updater.Journal = j
	if len(j.Unfinished()) == 0 || f.updater.Bus == nil {
		return nil
	}
	f.log.Warn("finishing interrupted firmware updates", "count", len(j.Unfinished()))
	if err := f.updater.Recover(ctx); err != nil {
		// Not fatal: the device may come back later; the journal keeps the update open.
		f.log.Error("firmware recovery incomplete", "err", err)
	}
	return nil
}

// Stop has nothing to release: every journal write is already synced.
func (f *firmwareSubsystem) Stop(context.Context) error { return nil }

// errUpdateRunning refuses a second concurrent update.
var errUpdateRunning = errors.New("firmware: another update is running")

// apply updates the device with id (and serial, if given) from the bundle raw.
func (f *firmwareSubsystem) apply(ctx context.Context, raw []byte, id usb.ID, serial, actor string, progress firmware.Progress) error {
	if f.updater.Bus == nil {
		return errors.New("firmware: this build has no USB access")
	}
	if !f.running.CompareAndSwap(false, true) {
		return errUpdateRunning
	}
	defer f.running.Store(false)
	devs, err := f.updater.Bus.Devices(ctx)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.ID == id && (serial == "" || d.Serial == serial) {
			f.log.Info("firmware update starting", "device", d.String(), "actor", actor)
			apply := f.updater.Apply
			if !firmware.IsBundle(raw) {
				apply = f.updater.ApplyDFU // a plain .dfu file, if the configuration allows it
			}
			err := apply(ctx, raw, d, actor, progress)
			f.log.Info("firmware update finished", "device", d.String(), "err", err)
			return err
		}
	}
	return fmt.Errorf("firmware: no device %s on the bus", id)
}

func firmwareDir(storage string) string { return filepath.Join(storage, "firmware") }
