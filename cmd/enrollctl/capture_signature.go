package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/signature"
	"github.com/enrolld/enrolld/drivers"

	_ "github.com/enrolld/enrolld/drivers/isdv4"     // Wacom ISDV4 driver
	_ "github.com/enrolld/enrolld/drivers/isdv4/emu" // and its emulator
)

// captureSignatureUsage is the help text of "enrollctl capture signature".
const captureSignatureUsage = `usage: enrollctl capture signature (--port /dev/ttyX | --emulate) --out sig.png [--vector sig.json]

Captures one signature from a Wacom ISDV4 serial signature pad (or its emulator on a
pseudo-terminal), checks that it is usable (enough strokes, ink and time), and writes
it as a greyscale PNG rendered from the pen samples, and optionally the samples
themselves as JSON. The capture ends when the pen has been up for --idle after the
last stroke. Progress goes to stderr.
`

// runCaptureSignature implements "enrollctl capture signature".
func runCaptureSignature(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("capture signature", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, captureSignatureUsage); fs.PrintDefaults() }
	port := fs.String("port", "", "serial port of the pad, e.g. /dev/ttyUSB0")
	emulate := fs.Bool("emulate", false, "capture from the ISDV4 emulator (it signs by itself)")
	out := fs.String("out", "", "PNG file to write (required)")
	vector := fs.String("vector", "", "also write the pen samples as JSON to this file")
	dpi := fs.Float64("dpi", 300, "resolution of the rendered image")
	baud := fs.Int("baud", 0, "only try this baud rate (default: 19200, then 38400)")
	idle := fs.Duration("idle", 2*time.Second, "end the capture after the pen has been up this long")
	timeout := fs.Duration("timeout", 0, "give up after this long (0: wait until interrupted)")
	var emuOpts optionList
	fs.Var(&emuOpts, "emulator-option", "KEY=VALUE passed to the emulator (repeatable): baud, sign, speed")
	if len(args) > 0 && args[0] == "signature" {
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 || (*port == "") == !*emulate {
		fs.Usage()
		return errors.New("capture signature: --out and exactly one of --port or --emulate are required")
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	path := *port
	if *emulate {
		p, stop, err := startSignatureEmulator(ctx, drivers.Options(emuOpts))
		if err != nil {
			return fmt.Errorf("capture signature: %w", err)
		}
		defer stop.Close()
		path = p
		fmt.Fprintf(stderr, "emulated pad on %s\n", path)
	} else if len(emuOpts) > 0 {
		return errors.New("capture signature: --emulator-option needs --emulate")
	}
	sig, err := captureSignatureFrom(ctx, path, *baud, *idle, stderr)
	if err != nil {
		return fmt.Errorf("capture signature: %w", err)
	}
	if err := writeSignature(sig, *out, *vector, *dpi); err != nil {
		return fmt.Errorf("capture signature: %w", err)
	}
	st := sig.Stats()
	fmt.Fprintf(stdout, "%s: %d strokes, %.0f mm of ink, %.1f s, %.0f x %.0f mm\n",
		*out, st.Strokes, st.InkMM, st.Duration.Seconds(), st.WidthMM, st.HeightMM)
	return nil
}

func startSignatureEmulator(ctx context.Context, opts drivers.Options) (string, io.Closer, error) {
	em, ok := drivers.Default.Emulator("isdv4")
	if !ok || em.Serial == nil {
		return "", nil, errors.New("no ISDV4 emulator in this build")
	}
	return em.Serial(ctx, opts)
}

// captureSignatureFrom opens the pad at path, captures and checks one signature.
func captureSignatureFrom(ctx context.Context, path string, baud int, idle time.Duration, stderr io.Writer) (*signature.Signature, error) {
	drv, ok := drivers.Default.Driver("isdv4")
	if !ok {
		return nil, errors.New("no ISDV4 driver in this build")
	}
	opts := drivers.Options{}
	if baud > 0 {
		opts["baud"] = strconv.Itoa(baud)
	}
	fmt.Fprintf(stderr, "probing %s…\n", path)
	dev, err := drv.OpenSerial(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	defer dev.Halt()
	pad, ok := dev.(capture.SignaturePad)
	if !ok {
		return nil, fmt.Errorf("%s is not a signature pad", dev)
	}
	fmt.Fprintf(stderr, "%s ready (%s)\n", dev, dev.Info().Model)
	sig, err := signature.Capture(ctx, pad, &signature.CollectOptions{
		Idle:     idle,
		Progress: func(s string) { fmt.Fprintf(stderr, "%s…\n", s) },
	})
	var ue *signature.UnusableError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "unusable signature: %s (%s); ask for it again\n", ue.Reason, ue.Detail)
	}
	return sig, err
}

// writeSignature writes the rendered PNG and, if vectorPath is set, the samples as
// JSON, both readable by their owner only (a signature is biometric data).
func writeSignature(sig *signature.Signature, pngPath, vectorPath string, dpi float64) error {
	img, err := sig.Render(&signature.RenderOptions{DPI: dpi})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(pngPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := png.Encode(f, signature.Image(img)); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", pngPath, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if vectorPath == "" {
		return nil
	}
	b, err := json.Marshal(sig)
	if err != nil {
		return err
	}
	return os.WriteFile(vectorPath, b, 0o600)
}
