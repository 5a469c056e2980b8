package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func wsqTestImage(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r := math.Hypot(float64(x-w/2), float64(y-h/2))
			img.Pix[y*w+x] = uint8(128 + 100*math.Sin(r*2*math.Pi/9))
		}
	}
	return img
}

func TestWSQCommandRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in, enc, dec := filepath.Join(dir, "in.png"), filepath.Join(dir, "f.wsq"), filepath.Join(dir, "out.png")
	var buf bytes.Buffer
	src := wsqTestImage(120, 90)
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	ctx := context.Background()
	if err := runWSQ(ctx, []string{"encode", in, enc, "--bitrate", "2.25"}, &stdout, &stderr); err != nil {
		t.Fatalf("encode: %v (%s)", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "120×90") {
		t.Errorf("encode output %q", stdout.String())
	}
	if err := runWSQ(ctx, []string{"decode", enc, dec}, &stdout, &stderr); err != nil {
		t.Fatalf("decode: %v", err)
	}
	stdout.Reset()
	if err := runWSQ(ctx, []string{"info", enc}, &stdout, &stderr); err != nil {
		t.Fatalf("info: %v", err)
	}
	if !strings.Contains(stdout.String(), "size 120×90\nppi 500\n") || !strings.Contains(stdout.String(), "WSQ_BITRATE 2.250000") {
		t.Errorf("info output %q", stdout.String())
	}
	f, err := os.Open(dec)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != src.Bounds() {
		t.Fatalf("decoded bounds %v", got.Bounds())
	}
	g := got.(*image.Gray)
	se := 0.0
	for i := range src.Pix {
		d := float64(src.Pix[i]) - float64(g.Pix[i])
		se += d * d
	}
	if psnr := 10 * math.Log10(255*255*float64(len(src.Pix))/se); psnr < 30 {
		t.Errorf("PSNR %.1f dB after the CLI round trip", psnr)
	}
}

func TestWSQCommandRaw(t *testing.T) {
	dir := t.TempDir()
	raw, enc, back := filepath.Join(dir, "in.raw"), filepath.Join(dir, "f.wsq"), filepath.Join(dir, "back.raw")
	src := wsqTestImage(64, 40)
	if err := os.WriteFile(raw, src.Pix, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx := context.Background()
	if err := runWSQ(ctx, []string{"encode", "--size", "64x40", raw, enc}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := runWSQ(ctx, []string{"decode", enc, back}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(back); err != nil || len(b) != 64*40 {
		t.Fatalf("raw output: %d bytes, %v", len(b), err)
	}
}

func TestWSQCommandErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.wsq")
	if err := os.WriteFile(junk, []byte{0xFF, 0xA0, 0xFF, 0xA2, 0, 1}, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, args := range [][]string{
		nil,
		{"frobnicate"},
		{"encode", "only-one.png"},
		{"encode", filepath.Join(dir, "x.raw"), "o.wsq"},
		{"decode", junk, filepath.Join(dir, "o.png")},
		{"encode", "a.png", "b.wsq", "--bitrate", "x"},
	} {
		var out bytes.Buffer
		if err := runWSQ(ctx, args, &out, &out); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
