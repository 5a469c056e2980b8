package synth

import (
	"math"
	"math/rand/v2"
)

// field is a ridge orientation field of the zero-pole model, in coordinates relative to the
// finger centre (pixels, y down).
type field struct {
	theta0        float64
	cores, deltas [][2]float64
	bend          float64 // arches: amplitude of the bent flow
	lift          float64 // all classes: ridges away from the centre line rise towards the sides
}

// The side lift of the flow: away from the finger's centre line the ridges rise gently
// towards both sides. Fitted to the impostor scores of FVC2002 templates: a lift of
// 0.2–0.5 (radians at the sides) brings synthetic-against-real false matches closest to
// real-against-real ones; ridges falling towards the sides instead (as on the fingertip
// cap) halve them.
const (
	liftMin   = 0.2
	liftSpan  = 0.3
	liftScale = 80.0
)

// Pattern class frequencies of the general population (Wilson, Candela and Watson, NIST,
// 1994: arch 3.7 %, tented arch 2.9 %, left loop 33.8 %, right loop 31.7 %, whorl 27.9 %).
const (
	archShare = 0.066
	loopShare = 0.655
)

// deltaBelow is how far below its core (loops) or the cores' centre (whorls) a delta lies,
// pixels at 500 dpi.
const deltaBelow = 170.0

// newField draws a pattern class and places its singular points.
func newField(r *rand.Rand) *field {
	f := &field{theta0: r.NormFloat64() * 0.15, lift: liftMin + r.Float64()*liftSpan}
	jit := func(s float64) float64 { return r.NormFloat64() * s }
	switch u := r.Float64(); {
	case u < archShare: // arch (and tented arch): no singular points inside the finger
		f.bend = 0.5 + r.Float64()*0.6
	case u < archShare+loopShare: // loop: a core above a delta, left or right of it
		side := 1.0
		if r.IntN(2) == 0 {
			side = -1
		}
		cy := -40 + jit(35)
		f.cores = [][2]float64{{jit(30), cy}}
		f.deltas = [][2]float64{{side * (110 + jit(25)), cy + deltaBelow + jit(30)}}
	default: // whorl: two cores close together, deltas on both sides below
		cx, cy := jit(25), -30+jit(30)
		d := 20 + r.Float64()*30
		a := r.Float64() * math.Pi
		f.cores = [][2]float64{{cx + d*math.Cos(a), cy + d*math.Sin(a)}, {cx - d*math.Cos(a), cy - d*math.Sin(a)}}
		f.deltas = [][2]float64{{-120 + jit(25), cy + deltaBelow + jit(30)}, {120 + jit(25), cy + deltaBelow + jit(30)}}
	}
	return f
}

// at returns the ridge orientation (mod π, radians counter-clockwise on the image) at (x, y).
func (f *field) at(x, y float64) float64 {
	// image y grows down; the model works in a y-up frame
	yu := -y
	th := f.theta0
	if f.bend != 0 {
		// arch: ridges run across, rising in the middle
		th += f.bend * math.Atan(-x/120) * math.Exp(-(yu+60)*(yu+60)/(2*200*200))
	}
	th += f.lift * math.Atan(x/liftScale)
	for _, c := range f.cores {
		th += 0.5 * math.Atan2(yu+c[1], x-c[0])
	}
	for _, d := range f.deltas {
		th -= 0.5 * math.Atan2(yu+d[1], x-d[0])
	}
	return th
}
