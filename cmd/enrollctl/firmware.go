package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware"
	"github.com/enrolld/enrolld/firmware/emu"
)

const firmwareUsage = `usage: enrollctl firmware COMMAND
  keygen  --out NAME               write NAME.key (0600) and NAME.pub
  sign    --key NAME.key --payload FILE --runtime VID:PID --dfu VID:PID
          --version M.mm [--lowest M.mm] [--name S] [--notes S] --out FILE.bundle
  inspect FILE.bundle|FILE.dfu     print the manifest or the DFU suffix
  verify  --pub NAME.pub FILE.bundle
  apply   --pub NAME.pub FILE.bundle --emulate [--emulate-version M.mm]
  apply   --device VID:PID [--serial S] [--daemon.url URL] FILE.bundle
          (through the running daemon, which checks the bundle against its pinned keys)`

// runFirmware makes, checks and applies firmware bundles.
func runFirmware(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErrorf("%s", firmwareUsage)
	}
	sub := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"keygen": fwKeygen, "sign": fwSign, "inspect": fwInspect, "verify": fwVerify, "apply": fwApply,
	}[args[0]]
	if sub == nil {
		return usageErrorf("%s", firmwareUsage)
	}
	return sub(ctx, args[1:], stdout, stderr)
}

func fwKeygen(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("firmware keygen", flag.ContinueOnError)
	out := fs.String("out", "", "base name of the key files")
	if err := fs.Parse(args); err != nil || *out == "" {
		return usageErrorf("%s", firmwareUsage)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	privPEM, _ := firmware.MarshalPrivateKey(priv)
	pubPEM, _ := firmware.MarshalPublicKey(pub)
	if err := os.WriteFile(*out+".key", privPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(*out+".pub", pubPEM, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s.key and %s.pub (key id %s)\n", *out, *out, firmware.KeyID(pub))
	return nil
}

func fwSign(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("firmware sign", flag.ContinueOnError)
	keyPath := fs.String("key", "", "signing key (PEM)")
	payload := fs.String("payload", "", "firmware image")
	out := fs.String("out", "", "bundle to write")
	var m firmware.Manifest
	var rt, df usb.ID
	fs.TextVar(&rt, "runtime", usb.ID{}, "run-time VID:PID")
	fs.TextVar(&df, "dfu", usb.ID{}, "DFU-mode VID:PID")
	fs.TextVar(&m.Version, "version", firmware.Version(0), "new version M.mm")
	fs.TextVar(&m.LowestAllowed, "lowest", firmware.Version(0), "lowest version allowed afterwards")
	fs.StringVar(&m.Name, "name", "", "firmware name")
	fs.StringVar(&m.ReleaseNotes, "notes", "", "release notes")
	if err := fs.Parse(args); err != nil || *keyPath == "" || *payload == "" || *out == "" {
		return usageErrorf("%s", firmwareUsage)
	}
	m.Protocol, m.Devices = firmware.ProtocolDFU11, []firmware.DeviceMatch{{Runtime: rt, DFU: df}}
	keyPEM, err := os.ReadFile(*keyPath)
	if err != nil {
		return err
	}
	key, err := firmware.ParsePrivateKey(keyPEM)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(*payload)
	if err != nil {
		return err
	}
	b, err := firmware.Sign(m, data, key)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := b.Encode(f); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(stdout, "signed %s %s (%d bytes) with key %s\n", m.Name, m.Version, len(data), b.KeyID)
	return f.Close()
}

func fwInspect(_ context.Context, args []string, stdout, _ io.Writer) error {
	if len(args) != 1 {
		return usageErrorf("%s", firmwareUsage)
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	if strings.HasSuffix(args[0], ".dfu") {
		f, err := firmware.ParseDFUFile(raw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "DFU file: %d payload bytes, device %s, bcdDevice %#04x, bcdDFU %#04x, CRC ok\n",
			len(f.Payload), f.ID, f.BcdDevice, f.BcdDFU)
		return nil
	}
	b, err := firmware.ParseBundle(raw)
	if err != nil {
		return err
	}
	m := b.Manifest
	fmt.Fprintf(stdout, "name:           %s\nversion:        %s\nlowest allowed: %s\nprotocol:       %s\n", m.Name, m.Version, m.LowestAllowed, m.Protocol)
	for _, d := range m.Devices {
		fmt.Fprintf(stdout, "device:         %s (DFU mode %s)\n", d.Runtime, d.DFU)
	}
	fmt.Fprintf(stdout, "payload:        %d bytes, sha256 %s\nsigned by key:  %s (not verified: use verify)\n", m.PayloadSize, m.PayloadSHA256, b.KeyID)
	if m.ReleaseNotes != "" {
		fmt.Fprintf(stdout, "notes:          %s\n", m.ReleaseNotes)
	}
	return nil
}

func loadBundleAndKey(fs *flag.FlagSet, args []string) (*firmware.Bundle, []byte, firmware.TrustedKeys, error) {
	pubPath := fs.String("pub", "", "trusted public key (PEM or base64)")
	if err := fs.Parse(args); err != nil || *pubPath == "" || fs.NArg() != 1 {
		return nil, nil, nil, usageErrorf("%s", firmwareUsage)
	}
	pubRaw, err := os.ReadFile(*pubPath)
	if err != nil {
		return nil, nil, nil, err
	}
	pub, err := firmware.ParsePublicKey(pubRaw)
	if err != nil {
		return nil, nil, nil, err
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := firmware.ParseBundle(raw)
	return b, raw, firmware.NewTrustedKeys(pub), err
}

func fwVerify(_ context.Context, args []string, stdout, _ io.Writer) error {
	b, _, keys, err := loadBundleAndKey(flag.NewFlagSet("firmware verify", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if err := firmware.Verify(b, keys); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %s %s, signature by %s and payload hash verified\n", b.Manifest.Name, b.Manifest.Version, b.KeyID)
	return nil
}

func fwApply(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("firmware apply", flag.ContinueOnError)
	emulate := fs.Bool("emulate", false, "apply to an emulated DFU device")
	emuVersion := fs.String("emulate-version", "1.00", "firmware version the emulated device starts with")
	device := fs.String("device", "", "VID:PID of the device to update through the daemon")
	serial := fs.String("serial", "", "serial number, when several devices share the id")
	var dflags daemonFlags
	dflags.register(fs)
	if !hasFlag(args, "emulate") {
		return fwApplyDaemon(ctx, fs, args, &dflags, device, serial, stdout, stderr)
	}
	b, raw, keys, err := loadBundleAndKey(fs, args)
	if err != nil {
		return err
	}
	if !*emulate {
		return usageErrorf("%s", firmwareUsage)
	}
	v, err := firmware.ParseVersion(*emuVersion)
	if err != nil {
		return err
	}
	cfg := emu.DefaultConfig()
	cfg.Runtime, cfg.DFU, cfg.Version = b.Manifest.Devices[0].Runtime, b.Manifest.Devices[0].DFU, uint16(v)
	dir, err := os.MkdirTemp("", "enrollctl-firmware")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	j, err := firmware.OpenJournal(dir)
	if err != nil {
		return err
	}
	bus := emu.Bus{Dev: emu.New(cfg)}
	devs, _ := bus.Devices(ctx)
	u := &firmware.Updater{Bus: bus, Keys: keys, Journal: j}
	bar := newProgressBar(stderr)
	if err := u.Apply(ctx, raw, devs[0], "enrollctl", bar.update); err != nil {
		bar.done()
		return err
	}
	bar.done()
	fmt.Fprintf(stdout, "updated emulated device %s from %s to %s\n", cfg.Runtime, v, b.Manifest.Version)
	return nil
}
