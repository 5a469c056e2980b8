package uru4000_test

import (
	"fmt"
	"image"
	"testing"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
)

// lostMask marks, in the finished image, the pixels a frame of layout cannot bring
// back: the last byte of every scrambled block and every line that is not present.
func lostMask(layout []uru4000.Block, scrambled bool) []bool {
	const w, n = uru4000.Width, uru4000.Width * uru4000.Height
	lost := make([]bool, n)
	line := 0
	for _, b := range layout {
		end := line + b.Lines
		switch {
		case b.Flags&uru4000.BlockNotPresent != 0:
			for i := line * w; i < end*w; i++ {
				lost[n-1-i] = true
			}
		case scrambled && b.Flags&(uru4000.BlockScrambled|uru4000.BlockNoKeyUpdate) == uru4000.BlockScrambled:
			lost[n-1-(end*w-1)] = true
		}
		line = end
	}
	return lost
}

// compareImages checks got against the window of the presented image everywhere
// but the lost pixels, and that each missing line repeats its neighbour.
func compareImages(t *testing.T, got []byte, presented *image.Gray, layout []uru4000.Block, scrambled bool) {
	t.Helper()
	want := emu.Window(presented)
	lost := lostMask(layout, scrambled)
	bad := 0
	for i := range want {
		if !lost[i] && got[i] != want[i] {
			if bad < 5 {
				t.Errorf("pixel (%d, %d) = %d, want %d", i%uru4000.Width, i/uru4000.Width, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d pixels differ outside the %d the device loses", bad, countTrue(lost))
	}
	// A missing sensor line y shows the next sensor line, which in the finished image
	// (rotated) is the line above it.
	line := 0
	for _, b := range layout {
		if b.Flags&uru4000.BlockNotPresent != 0 {
			out := uru4000.Height - 1 - line
			for x := range uru4000.Width {
				if got[out*uru4000.Width+x] != got[(out-b.Lines)*uru4000.Width+x] {
					t.Fatalf("missing sensor line %d does not repeat the following line", line)
				}
			}
		}
		line += b.Lines
	}
}

func countTrue(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

func TestRoundTrip(t *testing.T) {
	changeKey := []uru4000.Block{
		{Flags: uru4000.BlockScrambled, Lines: 100},
		{Flags: uru4000.BlockChangeKey | uru4000.BlockScrambled, Lines: 100},
		{Flags: uru4000.BlockNotPresent | uru4000.BlockNoKeyUpdate, Lines: 2},
		{Flags: uru4000.BlockScrambled | uru4000.BlockNoKeyUpdate, Lines: 20},
		{Flags: uru4000.BlockChangeKey | uru4000.BlockScrambled, Lines: 68},
	}
	tests := []struct {
		name      string
		opts      emu.Options
		img       *image.Gray
		exchanges int
	}{
		{"4500 default layout", emu.Options{}, testFinger(1), 1},
		{"change key twice", emu.Options{Layout: changeKey, KeyNumber: 9}, testFinger(2), 3},
		{"unscrambled firmware", emu.Options{Plain: true}, testFinger(3), 0},
		{"4000B", emu.Options{Product: 0x0008, Secret: 42}, testFinger(4), 1},
		{"4000", emu.Options{Product: 0x0007}, testFinger(5), 1},
		{"small image padded", emu.Options{}, emu.Fingerprint(200, 150, 6), 1},
		{"large image cropped", emu.Options{}, emu.Fingerprint(500, 400, 7), 1},
		{"odd offset", emu.Options{}, emu.Fingerprint(383, 281, 8), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.opts, uru4000.Options{})
			got := r.presentAndCapture(t, tc.img)
			if got.Width != uru4000.Width || got.Height != uru4000.Height || got.DPI != uru4000.DPI {
				t.Fatalf("image %dx%d at %v dpi", got.Width, got.Height, got.DPI)
			}
			layout := tc.opts.Layout
			if layout == nil {
				layout = emu.DefaultLayout
			}
			compareImages(t, got.Pix, tc.img, layout, !tc.opts.Plain)
			st := r.e.Stats()
			if st.KeyExchanges != tc.exchanges || st.Frames != 1 {
				t.Errorf("%d key exchanges and %d frames, want %d and 1", st.KeyExchanges, st.Frames, tc.exchanges)
			}
			if st.CaptureWithoutRead != 0 {
				t.Errorf("capture mode was set %d times with no bulk read waiting", st.CaptureWithoutRead)
			}
		})
	}
}

func TestRepeatedCapturesWithRandomSeeds(t *testing.T) {
	r := newRig(t, emu.Options{}, uru4000.Options{}) // crypto/rand seeds
	for i := range 3 {
		img := testFinger(uint64(10 + i))
		got := r.presentAndCapture(t, img)
		compareImages(t, got.Pix, img, emu.DefaultLayout, true)
	}
	if st := r.e.Stats(); st.PowerUps != 3 || st.Frames != 3 {
		t.Errorf("stats %+v, want 3 power-ups and 3 frames", st)
	}
}

func TestEmptySensorGivesWhiteImage(t *testing.T) {
	r := newRig(t, emu.Options{}, uru4000.Options{})
	// A finger of pure white: what a dry or absent finger looks like.
	white := image.NewGray(image.Rect(0, 0, 10, 10))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	got := r.presentAndCapture(t, white)
	compareImages(t, got.Pix, white, emu.DefaultLayout, true)
}

func TestInfo(t *testing.T) {
	r := newRig(t, emu.Options{Product: 0x0008}, uru4000.Options{})
	info := r.d.Info()
	want := fmt.Sprintf("%+v", struct{ Kind, Driver, Model, Path string }{"finger", "uru4000", "U.are.U 4000B", "emulated"})
	got := fmt.Sprintf("%+v", struct{ Kind, Driver, Model, Path string }{string(info.Kind), info.Driver, info.Model, info.Path})
	if got != want || info.Firmware != "0104.0113" || info.Serial == "" {
		t.Errorf("info %+v", info)
	}
	if s := r.d.String(); s != "U.are.U 4000B (05ba:0008 at 1/4)" {
		t.Errorf("String() = %q", s)
	}
}
