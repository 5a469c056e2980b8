package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture/signature"
	isdv4emu "github.com/enrolld/enrolld/drivers/isdv4/emu"
)

func TestCaptureSignatureEmulated(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dir := t.TempDir()
	out, vec := filepath.Join(dir, "sig.png"), filepath.Join(dir, "sig.json")
	var stdout, stderr bytes.Buffer
	args := []string{"signature", "--emulate", "--out", out, "--vector", vec, "--idle", "1s",
		"--emulator-option", "sign=50ms", "--emulator-option", "speed=600"}
	if err := runCaptureSignature(ctx, args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, want := range []string{"ready", "stroke 3", "done"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("progress lacks %q: %s", want, stderr.String())
		}
	}
	f, _ := os.Open(out)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() < 1000 {
		t.Fatalf("PNG %v: %v", img.Bounds(), err)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("PNG mode %v, want owner-only", fi.Mode())
	}
	b, err := os.ReadFile(vec)
	var sig signature.Signature
	if err != nil || json.Unmarshal(b, &sig) != nil || sig.Stats().Strokes != 3 {
		t.Fatalf("vector file: %v, %d strokes", err, sig.Stats().Strokes)
	}
	if !strings.Contains(stdout.String(), "3 strokes") {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestCaptureSignatureUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	for _, args := range [][]string{{"--out", "x.png"}, {"--emulate", "--port", "/dev/x", "--out", "x.png"}, {"--emulate"}} {
		if err := runCaptureSignature(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

func TestCaptureFaceEmulated(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--preview", "3"}, "live view: 3 frames"},
		{[]string{"--emulator-option", "liveview=off"}, "no live view"},
	} {
		out := filepath.Join(t.TempDir(), "face.jpg")
		var stdout, stderr bytes.Buffer
		args := append([]string{"face", "--emulate", "--out", out}, c.args...)
		if err := runCaptureFace(ctx, args, &stdout, &stderr); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), c.want) || !strings.Contains(stderr.String(), "photo downloaded") {
			t.Errorf("progress %q lacks %q", stderr.String(), c.want)
		}
		f, _ := os.Open(out)
		cfg, err := jpeg.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != 960 || cfg.Height != 1280 {
			t.Errorf("face.jpg %+v: %v", cfg, err)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := runCaptureFace(ctx, []string{"--usb", "1209:0002", "--emulate", "--out", "x.jpg"}, &stdout, &stderr); err == nil {
		t.Error("--usb with --emulate accepted")
	}
	if err := runCaptureFace(ctx, []string{"--usb", "nonsense", "--out", "x.jpg"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "VID:PID") {
		t.Errorf("bad --usb: %v", err)
	}
	// No such camera here (or no cgo): a clear error, never a panic.
	if err := runCaptureFace(ctx, []string{"--usb", "1209:0002", "--out", filepath.Join(t.TempDir(), "x.jpg")}, &stdout, &stderr); err == nil {
		t.Error("a camera that is not connected was opened")
	}
}

// TestCaptureSignaturePort captures through --port from a pad on a pseudo-terminal
// the test starts itself, as from a real serial port.
func TestCaptureSignaturePort(t *testing.T) {
	e, err := isdv4emu.Start(&isdv4emu.Options{BaudRate: 38400, Motion: isdv4emu.Motion{Speed: 600}})
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	defer e.Close()
	go e.SignOnStart(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out := filepath.Join(t.TempDir(), "sig.png")
	var stdout, stderr bytes.Buffer
	if err := runCaptureSignature(ctx, []string{"--port", e.Path(), "--out", out, "--idle", "1s", "--dpi", "150"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "38400 baud") {
		t.Errorf("the 38400-baud pad was not found at 38400: %s", stderr.String())
	}
}
