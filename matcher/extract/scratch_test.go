package extract

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestConvolveRunMatchesPerPixel checks that filtering a run of pixels together gives
// bit for bit the sums of a plain per-pixel loop, for every run length.
func TestConvolveRunMatchesPerPixel(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	src := make([]float32, 4000)
	for i := range src {
		src[i] = float32(r.IntN(256)) + r.Float32()
	}
	taps := make([]tap, 29)
	for i := range taps {
		taps[i] = tap{off: r.IntN(201) - 100, w: r.Float32()*2 - 1}
	}
	for n := 1; n <= 40; n++ {
		at := 1000 + n
		got := make([]float32, n)
		convolveRun(got, src, at, taps)
		for k := range n {
			var s float32
			for _, tp := range taps {
				s += tp.w * src[at+k+tp.off]
			}
			if got[k] != s {
				t.Fatalf("run of %d, pixel %d: %g, per pixel %g", n, k, got[k], s)
			}
		}
	}
}

func TestRidgePixels(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 8, 9, 63, 64, 1001} {
		m := make([]uint8, n)
		for i := range m {
			if r.IntN(3) == 0 {
				m[i] = 1
			}
		}
		var want []int32
		for i, v := range m {
			if v == 1 {
				want = append(want, int32(i))
			}
		}
		if got := ridgePixels(m); !slices.Equal(got, want) {
			t.Fatalf("%d pixels: got %v, want %v", n, got, want)
		}
	}
}

// TestBufPoolReuse checks that a pooled buffer comes back at the requested length and
// zeroed when asked.
func TestBufPoolReuse(t *testing.T) {
	b := getBuf[uint8](&uint8Bufs, 100, false)
	for i := range b {
		b[i] = 7
	}
	putBuf(&uint8Bufs, b)
	c := getBuf[uint8](&uint8Bufs, 50, true)
	if len(c) != 50 {
		t.Fatalf("length %d, want 50", len(c))
	}
	for i, v := range c {
		if v != 0 {
			t.Fatalf("byte %d is %d after a zeroed get", i, v)
		}
	}
}
