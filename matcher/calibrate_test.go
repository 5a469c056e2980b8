package matcher

import (
	"math"
	"testing"
)

func TestCalibrationMonotonic(t *testing.T) {
	prev := math.Inf(1)
	for s := 0.0; s <= 1; s += 0.001 {
		f := FMRForScore(s)
		if f > prev || f < 0 || f > 1 {
			t.Fatalf("FMR(%v) = %v after %v", s, f, prev)
		}
		prev = f
	}
	for _, fmr := range []float64{0.01, 0.001, 1e-4, 1e-5} {
		thr := ThresholdForFMR(fmr)
		if got := FMRForScore(thr); math.Abs(math.Log10(got)-math.Log10(fmr)) > 0.01 {
			t.Errorf("FMRForScore(ThresholdForFMR(%g)) = %g", fmr, got)
		}
		if cs := CalibratedScore(thr); math.Abs(cs+10*math.Log10(fmr)) > 0.1 {
			t.Errorf("CalibratedScore at FMR %g = %v", fmr, cs)
		}
	}
	if ThresholdForFMR(1e-4) <= ThresholdForFMR(1e-3) {
		t.Error("stricter FMR must need a higher threshold")
	}
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name          string
		gen, imp      []float64
		eer, f1, f0   float64
		genuineCount  int
		impostorCount int
	}{
		{"separated", []float64{0.5, 0.6, 0.7}, []float64{0.1, 0.2, 0.3}, 0, 0, 0, 3, 3},
		{"one genuine low", []float64{0.05, 0.6, 0.7, 0.8}, []float64{0.1, 0.2, 0.3, 0.4}, 0.25, 0.25, 0.25, 4, 4},
	}
	for _, c := range cases {
		e := Evaluate(c.gen, c.imp)
		if math.Abs(e.EER-c.eer) > 1e-9 || math.Abs(e.FNMRAtFMR1-c.f1) > 1e-9 || math.Abs(e.FNMRAtFMR0-c.f0) > 1e-9 ||
			e.Genuine != c.genuineCount || e.Impostor != c.impostorCount {
			t.Errorf("%s: %+v", c.name, e)
		}
	}
}
