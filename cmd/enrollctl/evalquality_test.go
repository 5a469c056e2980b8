package main

import (
	"math"
	"testing"
)

func TestThresholdAtFMR(t *testing.T) {
	imp := make([]float64, 200)
	for i := range imp {
		imp[i] = float64(i) // scores 0..199
	}
	thr := thresholdAtFMR(imp, 0.01) // at most 2 of 200 accepted: 198 and 199
	accepted := 0
	for _, v := range imp {
		if v >= thr {
			accepted++
		}
	}
	if accepted != 2 || thr <= 197 {
		t.Fatalf("threshold %v accepts %d impostors, want 2", thr, accepted)
	}
}

// TestDiscardPairs checks the error-versus-discard points on a small set where the
// misses are exactly the lowest-quality comparisons, including ties at the cut-off.
func TestDiscardPairs(t *testing.T) {
	// ten comparisons; qualities 1,1,2,2,3,...; the two of quality 1 and one of quality 2 miss
	q := []int{1, 1, 2, 2, 3, 4, 5, 6, 7, 8}
	miss := []bool{true, true, true, false, false, false, false, false, false, false}
	cases := []struct {
		f        float64
		wantLeft float64
		wantFNMR float64
		wantCut  int
	}{
		{0, 10, 30, 0},
		{0.1, 9, 100 * 2 / 9.0, 1},   // one of the two tied misses goes (in expectation)
		{0.2, 8, 100 * 1 / 8.0, 1},   // both quality-1 misses gone
		{0.3, 7, 100 * 0.5 / 7.0, 2}, // half of the quality-2 pair (one miss, one hit) goes
		{0.4, 6, 0, 2},               // all misses gone
		{1, 0, 0, 8},                 // everything discarded
	}
	for _, c := range cases {
		p := discard(q, miss, c.f)
		if math.Abs(p.Genuine-c.wantLeft) > 1e-9 || math.Abs(p.FNMR-c.wantFNMR) > 1e-9 || p.Cut != c.wantCut {
			t.Errorf("discard %.0f %%: left %.2f FNMR %.3f cut %d, want %.2f %.3f %d",
				100*c.f, p.Genuine, p.FNMR, p.Cut, c.wantLeft, c.wantFNMR, c.wantCut)
		}
	}
}

// TestEDCImages discards the worst image of four: the comparisons involving it go.
func TestEDCImages(t *testing.T) {
	qs := []int{10, 50, 60, 70}
	gen := []evrGenuine{{0, 1, 0.01}, {0, 2, 0.01}, {1, 2, 0.5}, {2, 3, 0.02}, {1, 3, 0.6}}
	pts := edcImages(gen, qs, 0.1, []float64{0, 0.25})
	if pts[0].Genuine != 5 || math.Abs(pts[0].FNMR-60) > 1e-9 {
		t.Errorf("no discard: %+v", pts[0])
	}
	if pts[1].Genuine != 3 || math.Abs(pts[1].FNMR-100/3.0) > 1e-9 || pts[1].Cut != 10 {
		t.Errorf("worst image discarded: %+v", pts[1])
	}
}
