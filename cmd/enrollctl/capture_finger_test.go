package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
)

// fastDemo makes the emulator's demo finger land and lift quickly.
var fastDemo = []string{"--emulator-option", "demo_delay=10ms", "--emulator-option", "demo_hold=10ms"}

// testCtx ends with the test, or after 30 s.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func runCapture(t *testing.T, args ...string) ([]byte, string) {
	t.Helper()
	ctx := testCtx(t)
	out := filepath.Join(t.TempDir(), "finger.png")
	var stdout, stderr bytes.Buffer
	args = append([]string{"finger", "--out", out}, args...)
	if err := runCaptureFinger(ctx, args, &stdout, &stderr); err != nil {
		t.Fatalf("capture finger %v: %v\n%s", args, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "place a finger") {
		t.Errorf("no progress on stderr: %q", stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b, stdout.String()
}

func TestCaptureFingerEmulated(t *testing.T) {
	args := append([]string{"--driver", "uru4000", "--emulate", "--scramble-seed", "1234abcd"}, fastDemo...)
	b, stdout := runCapture(t, args...)
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok || g.Bounds().Dx() != uru4000.Width || g.Bounds().Dy() != uru4000.Height {
		t.Fatalf("PNG is %T %v, want 8-bit grey 384 x 290", img, img.Bounds())
	}
	if !strings.Contains(stdout, "384 x 290") {
		t.Errorf("stdout %q", stdout)
	}
	// The demo's first finger is Fingerprint(384, 282, 0); all but the pixels the
	// reader loses (one missing line, three block ends) come back.
	want := emu.Window(emu.Fingerprint(uru4000.Width, uru4000.Height-8, 0))
	differ := 0
	for i := range want {
		if g.Pix[i] != want[i] {
			differ++
		}
	}
	if differ > uru4000.Width+3 {
		t.Errorf("%d pixels differ from the demo finger", differ)
	}
	again, _ := runCapture(t, append([]string{"--emulate"}, fastDemo...)...)
	if !bytes.Equal(b, again) {
		t.Error("two emulated captures of the same demo finger wrote different PNGs")
	}
}

func TestCaptureFingerFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"finger"}, "--out is required"},
		{[]string{"finger", "--out", "x.png", "--driver", "nope"}, "not a USB finger scanner"},
		{[]string{"finger", "--out", "x.png", "--emulate", "--usb", "05ba:000a"}, "exclude each other"},
		{[]string{"finger", "--out", "x.png", "--emulator-option", "demo"}, "not KEY=VALUE"},
		{[]string{"finger", "--out", "x.png", "--emulate", "--scramble-seed", "xyz"}, "scramble seed"},
		{[]string{"finger", "--out", "x.png", "--usb", "05ba"}, "VID:PID"},
		{[]string{"finger", "--out", "x.png", "--emulator-option", "a=b"}, "needs --emulate"},
		{[]string{"finger", "--bogus"}, "flag provided but not defined"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		err := runCaptureFinger(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
		usage := !strings.Contains(tc.want, "seed") && tc.want != "VID:PID"
		if errors.Is(err, errUsage) != usage {
			t.Errorf("%v: err = %v, usage error %v, want %v", tc.args, err, !usage, usage)
		}
	}
}
