package wsq

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		w, h    int
		rate    float64
		minPSNR float64
	}{
		{545, 622, 0.75, 32},
		{545, 622, 2.25, 36},
		{32, 32, 2.25, 21},
		{33, 47, 0.75, 24},
		{101, 77, 2.25, 24},
		{257, 255, 0.75, 31},
		{640, 481, 0.75, 32},
		{417, 399, 2.25, 37},
	}
	for _, c := range cases {
		img := ridges(c.w, c.h, uint64(c.w*c.h))
		var e Encoder
		data, err := e.Encode(img, &Options{BitRate: c.rate})
		if err != nil {
			t.Fatalf("%d×%d: %v", c.w, c.h, err)
		}
		out, info, err := NewDecoder(nil).Decode(data)
		if err != nil {
			t.Fatalf("%d×%d: %v", c.w, c.h, err)
		}
		if out.Rect != img.Rect || info.PPI != DefaultPPI {
			t.Fatalf("%d×%d: decoded %v at %d ppi", c.w, c.h, out.Rect, info.PPI)
		}
		if br, _ := info.Attribute("WSQ_BITRATE"); br != fmt.Sprintf("%f", c.rate) {
			t.Errorf("%d×%d: WSQ_BITRATE %q", c.w, c.h, br)
		}
		p := psnr(img.Pix, out.Pix)
		bpp := float64(8*len(data)) / float64(c.w*c.h)
		t.Logf("%d×%d at %.2f bpp: %d bytes (%.2f bpp), PSNR %.2f dB", c.w, c.h, c.rate, len(data), bpp, p)
		if p < c.minPSNR {
			t.Errorf("%d×%d at %.2f bpp: PSNR %.2f dB below %.0f", c.w, c.h, c.rate, p, c.minPSNR)
		}
	}
}

// TestRateControl checks that a higher bit rate gives a larger file and a
// better image, and that the achieved rate is near the target.
func TestRateControl(t *testing.T) {
	img := ridges(400, 400, 3)
	var prevSize int
	var prevPSNR float64
	for _, rate := range []float64{0.5, 0.75, 1.5, 2.25} {
		var e Encoder
		data, err := e.Encode(img, &Options{BitRate: rate})
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := NewDecoder(nil).Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		p := psnr(img.Pix, out.Pix)
		bpp := float64(8*len(data)) / float64(400*400)
		if len(data) <= prevSize || p <= prevPSNR {
			t.Errorf("rate %.2f: %d bytes, %.2f dB; not above %d bytes, %.2f dB", rate, len(data), p, prevSize, prevPSNR)
		}
		if bpp < rate/2 || bpp > rate*2 {
			t.Errorf("rate %.2f: achieved %.2f bpp", rate, bpp)
		}
		prevSize, prevPSNR = len(data), p
	}
}

// TestPerfectReconstruction runs the transform without quantisation: the
// synthesis filters read back from the transform table must invert the
// analysis for every parity of width and height.
func TestPerfectReconstruction(t *testing.T) {
	p := &parser{}
	dtt := appendDTT(nil)
	if err := p.readDTT(dtt[4:], 2); err != nil {
		t.Fatal(err)
	}
	for _, sz := range [][2]int{{32, 32}, {33, 33}, {34, 47}, {545, 622}, {100, 61}} {
		w, h := sz[0], sz[1]
		img := ridges(w, h, 9)
		plane := make([]float32, w*h)
		for i, v := range img.Pix {
			plane[i] = float32(v) - 128
		}
		orig := append([]float32(nil), plane...)
		l := newLayout(w, h)
		tmp := make([]float32, w*h)
		var sc scratch
		newAnalysis().decompose(plane, w, l, tmp, &sc)
		p.synth.reconstruct(plane, w, l, tmp, &sc)
		worst := 0.0
		for i := range plane {
			worst = math.Max(worst, math.Abs(float64(plane[i]-orig[i])))
		}
		if worst > 0.01 {
			t.Errorf("%d×%d: reconstruction error %g", w, h, worst)
		}
	}
}

// TestLayoutCoversImage checks that the 64 subbands tile the image.
func TestLayoutCoversImage(t *testing.T) {
	for _, sz := range [][2]int{{32, 32}, {545, 622}, {33, 97}, {1000, 1001}} {
		w, h := sz[0], sz[1]
		seen := make([]int, w*h)
		for _, r := range newLayout(w, h).subbands {
			for y := r.y; y < r.y+r.h; y++ {
				for x := r.x; x < r.x+r.w; x++ {
					seen[y*w+x]++
				}
			}
		}
		for i, n := range seen {
			if n != 1 {
				t.Fatalf("%d×%d: pixel (%d,%d) covered %d times", w, h, i%w, i/w, n)
			}
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	var e Encoder
	small := image.NewGray(image.Rect(0, 0, 31, 100))
	if _, err := e.Encode(small, nil); !errorsIs(err, ErrInvalidImage) {
		t.Errorf("31×100 image: %v", err)
	}
	ok := image.NewGray(image.Rect(0, 0, 64, 64))
	for _, o := range []Options{{BitRate: -1}, {BitRate: 9}, {PPI: -5}} {
		if _, err := e.Encode(ok, &o); !errorsIs(err, ErrInvalidOptions) {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// TestFlatImage: a constant image has no detail; it must still code and
// decode to the same constant.
func TestFlatImage(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 64, 40))
	for i := range img.Pix {
		img.Pix[i] = 77
	}
	var e Encoder
	data, err := e.Encode(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := NewDecoder(nil).Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Pix, img.Pix) {
		t.Errorf("flat image decoded to %v…", out.Pix[:8])
	}
}

// TestSubImage encodes a sub-image whose stride exceeds its width.
func TestSubImage(t *testing.T) {
	big := ridges(200, 150, 5)
	sub := big.SubImage(image.Rect(17, 9, 117, 109)).(*image.Gray)
	var e Encoder
	data, err := e.Encode(sub, &Options{BitRate: 2.25})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := NewDecoder(nil).Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := image.NewGray(image.Rect(0, 0, 100, 100))
	for y := 0; y < 100; y++ {
		copy(want.Pix[y*100:], sub.Pix[y*sub.Stride:][:100])
	}
	if p := psnr(want.Pix, out.Pix); p < 28 {
		t.Errorf("sub-image PSNR %.2f dB", p)
	}
}

// TestStdlibRegistration decodes through image.Decode.
func TestStdlibRegistration(t *testing.T) {
	var buf bytes.Buffer
	img := ridges(64, 64, 1)
	if err := Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil || format != "wsq" || cfg.Width != 64 || cfg.Height != 64 {
		t.Fatalf("DecodeConfig: %+v %q %v", cfg, format, err)
	}
	got, _, err := image.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != img.Bounds() {
		t.Errorf("bounds %v", got.Bounds())
	}
}

// TestColourInput encodes an RGBA image through the grey conversion.
func TestColourInput(t *testing.T) {
	g := ridges(80, 64, 6)
	rgba := image.NewRGBA(g.Rect)
	draw.Draw(rgba, rgba.Rect, g, image.Point{}, draw.Src)
	var a, b bytes.Buffer
	if err := Encode(&a, rgba, nil); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&b, g, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("RGBA copy of a grey image codes differently")
	}
}
