package extract

import "math"

// orientationBin returns the orientation bin of the doubled-angle vector (c, s): the
// ridge orientation a = atan2(s, c)/2 in [0, π) rounded to one of angleBins bins,
// exactly as exactOrientationBin computes it. A polynomial arctangent (error under
// 1.2e-5 rad) decides the bin unless the angle lies so close to a bin boundary that the
// approximation could tip it; those rare cases, and zero or non-finite vectors, take
// the exact path, so the result never differs from exactOrientationBin's.
func orientationBin(s, c float64) uint8 {
	if s == 0 || c == 0 {
		return exactOrientationBin(s, c)
	}
	// atan2 (within 1.2e-5 rad) and binPosition, written out so the common path makes no calls
	ax, ay := math.Abs(c), math.Abs(s)
	var t float64
	if ay <= ax {
		t = atanUnit(ay / ax)
	} else {
		t = math.Pi/2 - atanUnit(ax/ay)
	}
	if c < 0 {
		t = math.Pi - t
	}
	if s < 0 {
		t = -t
	}
	a := 0.5 * t
	if a < 0 {
		a += math.Pi
	}
	v := a/math.Pi*angleBins + 0.5
	if fr := v - float64(int(v)); fr > binGuard && fr < 1-binGuard {
		return uint8(int(v) % angleBins)
	}
	return exactOrientationBin(s, c)
}

// binGuard is how close (in bins) to a boundary the approximate position must not come:
// the arctangent's error of at most 1.2e-5 rad moves the position by at most 5e-5 bins.
const binGuard = 1e-3

// exactOrientationBin is the reference definition of orientationBin.
func exactOrientationBin(s, c float64) uint8 {
	return uint8(int(binPosition(math.Atan2(s, c))) % angleBins)
}

// binPosition maps a doubled angle t in [-π, π] to the continuous bin position whose
// integer part is the bin (before wrapping angleBins to 0).
func binPosition(t float64) float64 {
	a := 0.5 * t
	if a < 0 {
		a += math.Pi
	}
	return a/math.Pi*angleBins + 0.5
}

// atanUnit approximates atan(r) for 0 ≤ r ≤ 1 with an error below 1.2e-5.
func atanUnit(r float64) float64 {
	r2 := r * r
	return r * (0.9998660 + r2*(-0.3302995+r2*(0.1801410+r2*(-0.0851330+r2*0.0208351))))
}

// binEdges holds the unit doubled-angle vectors of the bin boundaries: bin k spans the
// doubled angles from edge k to edge k+1.
var binEdges = func() (e [angleBins + 1][2]float64) {
	for k := range e {
		t := float64(2*k-1) * math.Pi / angleBins
		e[k] = [2]float64{math.Cos(t), math.Sin(t)}
	}
	return e
}()

// inBin reports whether the doubled-angle vector (c, s) lies inside bin k, clear of its
// edges by more than 1e-9 rad; then orientationBin(s, c) is k. Neighbouring pixels
// mostly share a bin, so this cheap test usually spares the arctangent.
func inBin(k uint8, s, c float64) bool {
	if int(k) >= angleBins {
		return false
	}
	lo, hi := binEdges[k], binEdges[k+1]
	m := 1e-9 * (math.Abs(c) + math.Abs(s))
	return lo[0]*s-lo[1]*c > m && hi[1]*c-hi[0]*s > m
}
