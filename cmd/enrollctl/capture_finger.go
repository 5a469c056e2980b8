package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/drivers/usb/libusb"

	_ "github.com/enrolld/enrolld/drivers/uru4000"     // U.are.U driver
	_ "github.com/enrolld/enrolld/drivers/uru4000/emu" // and its emulator
)

// captureFingerUsage is the help text of "enrollctl capture finger".
const captureFingerUsage = `usage: enrollctl capture finger --driver NAME --out FILE.png [--usb VID:PID] [--emulate] [--scramble-seed HEX]

Captures one fingerprint and writes it as an 8-bit greyscale PNG. Without --emulate
it opens the first USB device the driver handles (or the one --usb names) through
libusb; with --emulate it captures from the driver's emulator, which presents a
generated finger by itself.
`

// runCaptureFinger implements "enrollctl capture finger".
func runCaptureFinger(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("capture finger", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, captureFingerUsage); fs.PrintDefaults() }
	driverName := fs.String("driver", "uru4000", "finger scanner driver")
	out := fs.String("out", "", "PNG file to write (required)")
	usbID := fs.String("usb", "", "VID:PID of the device to use (default: the first the driver handles)")
	emulate := fs.Bool("emulate", false, "capture from the driver's emulator instead of a real device")
	seed := fs.String("scramble-seed", "", "fixed key-exchange seed, 8 hex digits, to replay a recorded session")
	timeout := fs.Duration("timeout", 0, "give up after this long (0: wait until interrupted)")
	var emuOpts optionList
	fs.Var(&emuOpts, "emulator-option", "KEY=VALUE passed to the emulator (repeatable), e.g. demo_delay=100ms")
	if len(args) > 0 && args[0] == "finger" {
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErrorf("capture finger: %v", err)
	}
	if *out == "" || fs.NArg() > 0 {
		return usageErrorf("capture finger: --out is required and no arguments are taken")
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	drv, ok := drivers.Default.Driver(*driverName)
	if !ok || drv.Kind != capture.KindFinger || drv.OpenUSB == nil {
		return usageErrorf("capture finger: %q is not a USB finger scanner driver (have %s)", *driverName, strings.Join(drivers.Default.Names(), ", "))
	}
	opts := drivers.Options{}
	if *seed != "" {
		opts["scramble_seed"] = *seed
	}
	if *emulate && *usbID != "" {
		return usageErrorf("capture finger: --usb and --emulate exclude each other")
	}
	if !*emulate && len(emuOpts) > 0 {
		return usageErrorf("capture finger: --emulator-option needs --emulate")
	}
	dev, err := openFingerTransport(ctx, drv, *emulate, *usbID, drivers.Options(emuOpts))
	if err != nil {
		return fmt.Errorf("capture finger: %w", err)
	}
	defer dev.Close()
	img, err := captureOne(ctx, drv, dev, opts, stderr)
	if err != nil {
		return fmt.Errorf("capture finger: %w", err)
	}
	if err := writeGrayPNG(*out, img); err != nil {
		return fmt.Errorf("capture finger: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d x %d pixels at %.0f dpi from %s\n", *out, img.Width, img.Height, img.DPI, img.Device)
	return nil
}

// openFingerTransport opens the driver's emulator, or the real device.
func openFingerTransport(ctx context.Context, drv drivers.Driver, emulate bool, usbID string, emuOpts drivers.Options) (usb.Device, error) {
	if !emulate {
		return openRealUSB(ctx, drv, usbID)
	}
	em, ok := drivers.Default.Emulator(drv.Name)
	if !ok || em.USB == nil {
		return nil, fmt.Errorf("driver %q has no USB emulator", drv.Name)
	}
	return em.USB(ctx, emuOpts)
}

// captureOne opens the scanner on t, captures one impression and halts it, printing
// the scanner's progress to stderr.
func captureOne(ctx context.Context, drv drivers.Driver, t usb.Transport, opts drivers.Options, stderr io.Writer) (*capture.FingerImage, error) {
	d, err := drv.OpenUSB(ctx, t, opts)
	if err != nil {
		return nil, err
	}
	defer d.Halt()
	scanner, ok := d.(capture.FingerScanner)
	if !ok {
		return nil, fmt.Errorf("%s is not a finger scanner", d)
	}
	fmt.Fprintf(stderr, "%s ready\n", d)
	start := time.Now()
	img, err := scanner.CaptureFinger(ctx, func(step string) { fmt.Fprintf(stderr, "%s…\n", step) })
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "captured in %v\n", time.Since(start).Round(time.Millisecond))
	return img, nil
}

// writeGrayPNG writes img as an 8-bit greyscale PNG readable by its owner only
// (it is biometric data).
func writeGrayPNG(path string, img *capture.FingerImage) error {
	g := &image.Gray{Pix: img.Pix, Stride: img.Width, Rect: image.Rect(0, 0, img.Width, img.Height)}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := png.Encode(f, g); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// optionList collects repeated KEY=VALUE flags.
type optionList map[string]string

func (o *optionList) String() string { return fmt.Sprint(map[string]string(*o)) }

func (o *optionList) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not KEY=VALUE", s)
	}
	if *o == nil {
		*o = optionList{}
	}
	(*o)[k] = v
	return nil
}

// openRealUSB opens, through libusb, the device usbID names or else the first
// device the driver handles. Under umockdev-run (UMOCKDEV_DIR set) the sysfs reads
// go to umockdev's testbed, so a replayed capture is found like a real device.
func openRealUSB(ctx context.Context, drv drivers.Driver, usbID string) (usb.Device, error) {
	match := func(id usb.ID) bool { return slices.Contains(drv.USB, id) }
	if usbID != "" {
		want, err := usb.ParseID(usbID)
		if err != nil {
			return nil, err
		}
		match = func(id usb.ID) bool { return id == want }
	}
	var opts libusb.Options
	if dir := os.Getenv("UMOCKDEV_DIR"); dir != "" {
		opts.SysfsRoot = filepath.Join(dir, "sys")
	}
	bus, err := libusb.Open(&opts)
	if err != nil {
		return nil, err
	}
	devs, err := bus.Devices(ctx)
	if err != nil {
		bus.Close()
		return nil, err
	}
	for _, d := range devs {
		if match(d.ID) {
			dev, err := bus.Open(ctx, d)
			if err != nil {
				bus.Close()
				return nil, err
			}
			return &busDevice{Device: dev, bus: bus}, nil
		}
	}
	bus.Close()
	if usbID != "" {
		return nil, fmt.Errorf("no USB device %s among %d", usbID, len(devs))
	}
	return nil, fmt.Errorf("no USB device for driver %s (%s) among %d", drv.Name, idList(drv.USB), len(devs))
}

// busDevice is an opened device that also closes the bus it came from.
type busDevice struct {
	usb.Device
	bus *libusb.Bus
}

func (d *busDevice) Close() error {
	return errors.Join(d.Device.Close(), d.bus.Close())
}

// idList formats ids as "05ba:000a, 05ba:0008".
func idList(ids []usb.ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ", ")
}
