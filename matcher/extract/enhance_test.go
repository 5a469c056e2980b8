package extract

import (
	"math"
	"testing"
)

func TestFlowTurnKeepsHeading(t *testing.T) {
	k := kernels
	for d := range 2 * angleBins {
		for b := range angleBins {
			n := k.turn[d][b]
			if int(n)%angleBins != b {
				t.Fatalf("turn[%d][%d] = %d: not a direction of bin %d", d, b, n, b)
			}
			if dot := k.dx[n]*k.dx[d] + k.dy[n]*k.dy[d]; dot < 0 {
				t.Fatalf("turn[%d][%d] = %d reverses the walk (dot %d)", d, b, n, dot)
			}
			if e := k.next[d][b]; e.row != &k.next[n] || e.step != int64(k.dy[n])<<32+int64(k.dx[n]) {
				t.Fatalf("next[%d][%d] = %+v, want bin %d and its step", d, b, e, n)
			}
		}
		if e := k.next[d][noBin]; e.row != &k.next[d] {
			t.Fatalf("next[%d][noBin] turns", d)
		}
	}
}

// rings returns concentric ridges of period 9 px around (cx, cy) with deterministic
// pseudo-random noise of the given amplitude, and whether pixel i lies on a ridge.
func rings(w, h int, cx, cy, noise float64) (*gray, []bool) {
	g := &gray{w: w, h: h, pix: make([]float32, w*h)}
	ridge := make([]bool, w*h)
	seed := uint32(1)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r := math.Hypot(float64(x)-cx, float64(y)-cy)
			c := math.Cos(2 * math.Pi * r / 9)
			seed = seed*1664525 + 1013904223
			n := (float64(seed>>8)/float64(1<<24) - 0.5) * 2 * noise
			g.pix[y*w+x] = float32(math.Max(0, math.Min(255, 128+80*c+n)))
			ridge[y*w+x] = c < 0 // dark
		}
	}
	return g, ridge
}

// TestEnhanceCurvedNoisyRidges checks that the ridge map recovers noisy concentric
// ridges, including the tightly curved ones near the centre, where smoothing along a
// straight segment would leave the ridge (it reached 0.930 there; flow lines 0.945).
func TestEnhanceCurvedNoisyRidges(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rmin, rmax float64
		min        float64
	}{
		{"tight curves", 14, 40, 0.935},
		{"gentle curves", 40, 140, 0.95},
	} {
		g, ridge := rings(320, 320, 160, 160, 160)
		f, gxx, gxy, gee := blockSums(g)
		f.orientation(gxx, gxy, gee, 1)
		f.segment(0.12)
		f.smoothOrientation(1.5)
		f.frequency(g)
		out := enhance(g, f, newFilterBank(g.w+2*padMargin))
		agree, n := 0, 0
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				r := math.Hypot(float64(x)-160, float64(y)-160)
				if r < tc.rmin || r >= tc.rmax || !f.fg[(y/blockSize)*f.bw+x/blockSize] {
					continue
				}
				n++
				if (out[y*g.w+x] == 1) == ridge[y*g.w+x] {
					agree++
				}
			}
		}
		if n == 0 {
			t.Fatalf("%s: no foreground pixels", tc.name)
		}
		got := float64(agree) / float64(n)
		t.Logf("%s: %.3f of %d pixels agree with the true ridges", tc.name, got, n)
		if got < tc.min {
			t.Errorf("%s: ridge map agrees on %.3f of the pixels, want ≥ %.2f", tc.name, got, tc.min)
		}
	}
}

// TestDoubledAngleBin checks the trigonometry-free binning against atan2 all round the
// circle (away from the bin edges, where rounding may go either way).
func TestDoubledAngleBin(t *testing.T) {
	for i := range 36000 {
		phi := float64(i) / 36000 * 2 * math.Pi
		step := 2 * math.Pi / angleBins
		if d := math.Remainder(phi-step/2, step); math.Abs(d) < 1e-4 {
			continue
		}
		for _, r := range []float64{1e-3, 0.5, 1} {
			c, s := float32(r*math.Cos(phi)), float32(r*math.Sin(phi))
			a := 0.5 * math.Atan2(float64(s), float64(c))
			if a < 0 {
				a += math.Pi
			}
			want := uint8(int(a/math.Pi*angleBins+0.5) % angleBins)
			if got := doubledAngleBin(c, s); got != want {
				t.Fatalf("doubled angle %.4f° (r %g): bin %d, want %d", phi*180/math.Pi, r, got, want)
			}
		}
	}
}

// TestFlowSums4MatchesSums checks that walking four pixels' flow lines together gives
// each pixel exactly (bit for bit) the sums of walking it alone, across random bins
// with pixels off the finger.
func TestFlowSums4MatchesSums(t *testing.T) {
	const w, h = 80, 70
	st := w + 2*padMargin
	n := st * (h + 2*padMargin)
	pad, bin := make([]float32, n), make([]uint8, n)
	seed := uint32(3)
	rnd := func(m uint32) uint32 { seed = seed*1664525 + 1013904223; return (seed >> 8) % m }
	for i := range pad {
		pad[i] = float32(rnd(256))
		bin[i] = uint8(rnd(angleBins + 4))
		if bin[i] >= angleBins {
			bin[i] = noBin
		}
	}
	l := flowLine{pad: pad, bin: bin, stride: st, fb: newFilterBank(st)}
	for range 1000 {
		var idx [4]int
		var want [8]float32
		for k := range idx {
			for {
				x, y := padMargin+int(rnd(w)), padMargin+int(rnd(h))
				if idx[k] = y*st + x; bin[idx[k]] != noBin {
					want[2*k], want[2*k+1] = l.sums(x, y, bin[idx[k]])
					break
				}
			}
		}
		var got [8]float32
		got[0], got[1], got[2], got[3], got[4], got[5], got[6], got[7] = l.sums4(idx[0], idx[1], idx[2], idx[3])
		if got != want {
			t.Fatalf("pixels %v: sums4 %v, sums %v", idx, got, want)
		}
	}
}
