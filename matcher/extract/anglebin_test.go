package extract

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestOrientationBinExact checks the fast orientation bin against the reference on
// random vectors, on vectors next to every bin boundary and on special values.
func TestOrientationBinExact(t *testing.T) {
	check := func(s, c float64) {
		t.Helper()
		if got, want := orientationBin(s, c), exactOrientationBin(s, c); got != want {
			t.Fatalf("orientationBin(%g, %g) = %d, want %d", s, c, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		check(r.NormFloat64(), r.NormFloat64())
	}
	for k := -angleBins; k <= angleBins; k++ {
		t0 := (float64(k) - 0.5) * 2 * math.Pi / angleBins // doubled angle of a boundary
		for _, d := range []float64{0, 1e-15, -1e-15, 1e-9, -1e-9, 3e-5, -3e-5, 1e-4, -1e-4, 3e-4, -3e-4} {
			for _, m := range []float64{1, 1e-3, 7.5} {
				check(m*math.Sin(t0+d), m*math.Cos(t0+d))
			}
		}
	}
	z := math.Copysign(0, -1)
	for _, v := range [][2]float64{{0, 0}, {z, 0}, {0, z}, {z, z}, {0, 1}, {0, -1}, {1, 0}, {-1, 0},
		{math.NaN(), 1}, {1, math.Inf(1)}, {math.Inf(-1), math.Inf(1)}, {1e-300, 1e300}} {
		check(v[0], v[1])
	}
}

// TestInBin checks that whenever inBin accepts a bin, it is the bin.
func TestInBin(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for range 200000 {
		s, c := r.NormFloat64(), r.NormFloat64()
		want := exactOrientationBin(s, c)
		for k := range uint8(angleBins + 1) {
			if inBin(k, s, c) {
				accepted++
				if k != want {
					t.Fatalf("inBin(%d, %g, %g) but the bin is %d", k, s, c, want)
				}
			}
		}
	}
	for k := 0; k <= angleBins; k++ {
		t0 := (float64(k) - 0.5) * 2 * math.Pi / angleBins // an edge
		for _, d := range []float64{0, 1e-15, -1e-15, 1e-10, -1e-10, 1e-8, -1e-8} {
			s, c := math.Sin(t0+d), math.Cos(t0+d)
			for b := range uint8(angleBins + 1) {
				if inBin(b, s, c) && b != exactOrientationBin(s, c) {
					t.Fatalf("inBin(%d) next to edge %d (%g)", b, k, d)
				}
			}
		}
	}
	if accepted < 190000 {
		t.Fatalf("inBin accepted only %d of 200000 vectors in their bin", accepted)
	}
}

// TestApproxAtan2Error bounds the approximation error that binGuard relies on.
func TestApproxAtan2Error(t *testing.T) {
	worst := 0.0
	for i := 1; i < 400000; i++ {
		th := -math.Pi + 2*math.Pi*float64(i)/400000
		s, c := math.Sin(th), math.Cos(th)
		if s == 0 || c == 0 {
			continue
		}
		worst = max(worst, math.Abs(approxAtan2(s, c)-math.Atan2(s, c)))
	}
	if worst > 1.2e-5 {
		t.Fatalf("approxAtan2 error %.3g rad", worst)
	}
	t.Logf("approxAtan2 worst error %.3g rad", worst)
}

// approxAtan2 is the arctangent orientationBin computes, as a function of its own.
func approxAtan2(y, x float64) float64 {
	ax, ay := math.Abs(x), math.Abs(y)
	var a float64
	if ay <= ax {
		a = atanUnit(ay / ax)
	} else {
		a = math.Pi/2 - atanUnit(ax/ay)
	}
	if x < 0 {
		a = math.Pi - a
	}
	if y < 0 {
		a = -a
	}
	return a
}
