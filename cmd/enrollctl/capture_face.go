package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"

	_ "github.com/enrolld/enrolld/drivers/ptp"     // PTP camera driver
	_ "github.com/enrolld/enrolld/drivers/ptp/emu" // and its emulator
)

// captureFaceUsage is the help text of "enrollctl capture face".
const captureFaceUsage = `usage: enrollctl capture face (--usb VID:PID | --emulate) --out face.jpg [--preview N]

Takes one photograph with a PTP (still image class) USB camera, or with the PTP
camera emulator, and writes the JPEG as the camera produced it. Before the shot it
pulls --preview live-view frames (Canon EOS live view) and reports their rate; a
camera without live view just takes the photo. Progress goes to stderr.
`

// runCaptureFace implements "enrollctl capture face".
func runCaptureFace(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("capture face", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, captureFaceUsage); fs.PrintDefaults() }
	usbID := fs.String("usb", "", "VID:PID of the camera")
	emulate := fs.Bool("emulate", false, "use the PTP camera emulator (a synthetic face)")
	out := fs.String("out", "", "JPEG file to write (required)")
	preview := fs.Int("preview", 10, "live-view frames to pull before the shot (0: none)")
	timeout := fs.Duration("timeout", 0, "give up after this long (0: wait until interrupted)")
	var emuOpts optionList
	fs.Var(&emuOpts, "emulator-option", "KEY=VALUE passed to the emulator (repeatable): liveview=off, image=FILE.jpg")
	if len(args) > 0 && args[0] == "face" {
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 || (*usbID == "") == !*emulate {
		fs.Usage()
		return errors.New("capture face: --out and exactly one of --usb or --emulate are required")
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	drv, ok := drivers.Default.Driver("ptp")
	if !ok {
		return errors.New("capture face: no PTP driver in this build")
	}
	dev, err := openCameraTransport(ctx, drv, *emulate, *usbID, drivers.Options(emuOpts))
	if err != nil {
		return fmt.Errorf("capture face: %w", err)
	}
	defer dev.Close()
	still, err := captureFaceFrom(ctx, drv, dev, *preview, stderr)
	if err != nil {
		return fmt.Errorf("capture face: %w", err)
	}
	if err := os.WriteFile(*out, still.JPEG, 0o600); err != nil {
		return fmt.Errorf("capture face: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d x %d JPEG, %d bytes\n", *out, still.Width, still.Height, len(still.JPEG))
	return nil
}

// openCameraTransport starts the emulator, or opens the real camera.
func openCameraTransport(ctx context.Context, drv drivers.Driver, emulate bool, usbID string, emuOpts drivers.Options) (usb.Device, error) {
	if !emulate {
		if len(emuOpts) > 0 {
			return nil, errors.New("--emulator-option needs --emulate")
		}
		return openRealUSB(ctx, drv, usbID)
	}
	em, ok := drivers.Default.Emulator(drv.Name)
	if !ok || em.USB == nil {
		return nil, fmt.Errorf("driver %q has no emulator", drv.Name)
	}
	return em.USB(ctx, emuOpts)
}

// captureFaceFrom opens the camera on t, previews, takes the still and halts it.
func captureFaceFrom(ctx context.Context, drv drivers.Driver, t usb.Transport, preview int, stderr io.Writer) (*capture.Still, error) {
	d, err := drv.OpenUSB(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	defer d.Halt()
	cam, ok := d.(capture.Camera)
	if !ok {
		return nil, fmt.Errorf("%s is not a camera", d)
	}
	fmt.Fprintf(stderr, "%s ready\n", d)
	if preview > 0 {
		if err := previewFrames(ctx, cam, preview, stderr); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(stderr, "taking the photo…\n")
	start := time.Now()
	still, err := cam.CaptureStill(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "photo downloaded in %v\n", time.Since(start).Round(time.Millisecond))
	return still, nil
}

// previewFrames pulls n live-view frames and reports their rate.
func previewFrames(ctx context.Context, cam capture.Camera, n int, stderr io.Writer) error {
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	frames := make(chan capture.Frame)
	errc := make(chan error, 1)
	go func() { errc <- cam.LiveView(lctx, frames) }()
	var first time.Time
	for i := 0; i < n; i++ {
		select {
		case f := <-frames:
			if i == 0 {
				first = f.Captured
			}
			if i == n-1 && n > 1 {
				fps := float64(n-1) / f.Captured.Sub(first).Seconds()
				fmt.Fprintf(stderr, "live view: %d frames at %.1f frames/s\n", n, fps)
			}
		case err := <-errc:
			if errors.Is(err, capture.ErrNotSupported) {
				fmt.Fprintf(stderr, "no live view on this camera\n")
				return nil
			}
			return err
		}
	}
	stop()
	<-errc // live view switched off before the shot
	return nil
}
