// Package synth generates synthetic fingerprint templates for testing and benchmarking the
// 1:N search at register scale, without images.
//
// A synthetic finger is built the way a fingerprint forms: a ridge orientation field
// determined by its singular points (cores, where ridges turn back, and deltas, where three
// ridge flows meet), after the zero-pole model of Sherlock and Monro (1993):
//
//	θ(z) = θ∞ + ½·Σ arg(z − core_k) − ½·Σ arg(z − delta_k)
//
// plus a gentle lift of the ridges towards both sides of the finger. The pattern class
// fixes the singular points: arches have none (a gently bent flow), loops one core and one
// delta, whorls two cores and two deltas, at the frequencies of the general population
// (Wilson, Candela and Watson, NIST 1994: loops 65.5 %, whorls 27.9 %, arches and tented
// arches 6.6 %), with the cores near the middle of the finger and the deltas well below
// them. Minutiae lie on ridges: they are scattered over a finger-shaped foreground with a
// minimum spacing and snapped across the flow onto a ridge lattice of the finger's ridge
// period (about 9 pixels). Each minutia's direction follows the local ridge orientation
// and points towards the fingertip side of its ridge (up on the image). Endings outnumber
// bifurcations about two to one.
//
// An impression of a finger is what a scanner and an extractor would report: the finger
// placed with a rotation and a displacement, the skin distorted elastically (a smooth
// displacement field, larger away from the centre of contact), cropped to the sensor window,
// true minutiae missed at random and in a few poor patches (dry or wet skin), spurious ones
// added (mostly pairs of facing endings across a broken ridge), positions and directions
// jittered.
//
// The parameters were fitted to FVC2002 set B templates from matcher/extract: minutiae per
// impression, their spread, nearest-neighbour distances and direction differences, how far
// a minutia's direction strays from the orientation of its neighbours (the extractor reads
// it from a smoothed field: 63 % within 7.5°, so the directions here carry only 0.02 rad of
// noise on the finger and again per impression), and above all the impostor score
// distribution of matcher.Comparator, which TestRealism measures: the false-match rates at
// the gallery's operating threshold for real-against-real, synthetic-against-synthetic and
// synthetic-against-real pairs, and the genuine scores of synthetic mates against real ones.
//
// What decides whether synthetic fingers resemble real ones the way real ones resemble each
// other (what was measured while fitting, so the next change need not repeat it):
//   - The way minutiae point. Real minutiae lean towards the fingertip (up on 62 % of steep
//     ridges on FVC2002 DB1–3): real templates re-pointed all up still match the originals
//     as often as the originals match each other; re-pointed at random, four times less
//     often. Rules copying real neighbour statistics (40 % of parallel neighbours pointing
//     the other way, pairs of endings back to back) or the convergence of the flow, and
//     random flips, all lowered synthetic-against-real matches.
//   - The flow away from the singular points: ridges falling towards the sides (a fingertip
//     cap) halve synthetic-against-real matches; rising gently (the lift here) or level
//     doubles them.
//   - The deltas: 170 pixels below the core rather than 130 raises them by a third.
//   - Whorls remain the weakest model: a whorl-only population matches real fingers three
//     times less often than a loop-only one (core spacing, axis and delta placement made no
//     difference).
//
// Everything is deterministic: a finger is a pure function of (seed, person, finger) and an
// impression of (seed, person, finger, impression number), so galleries and their mated
// probes can be regenerated independently and in parallel.
package synth

import (
	"math"
	"math/rand/v2"

	"github.com/enrolld/enrolld/matcher"
)

// Finger is a synthetic master finger: its full set of minutiae (500 dpi, y down) before any
// impression is taken.
type Finger struct {
	Minutiae []matcher.Minutia
	// CX, CY are the centre of the finger area.
	CX, CY float64
}

// Options tune the generator. The zero value uses defaults calibrated so that impostor
// scores resemble those of real FVC2002 templates (see the package test).
type Options struct {
	// MeanMinutiae is the mean number of minutiae of a whole finger (0: 46). An impression
	// shows about 75 % of them, plus spurious ones: about 35 on average, like FVC2002
	// set B templates from matcher/extract (36).
	MeanMinutiae float64
	// FlipNoise is the probability that a minutia points against its neighbourhood's
	// way along the ridge flow (0: 0.01).
	FlipNoise float64
}

func (o Options) withDefaults() Options {
	if o.MeanMinutiae <= 0 {
		o.MeanMinutiae = 46
	}
	if o.FlipNoise <= 0 {
		o.FlipNoise = 0.01
	}
	return o
}

// Finger area at 500 dpi.
const (
	areaW      = 225.0
	areaH      = 310.0
	minSpacing = 10.0 // pixels between minutiae
	// bifurcationShare is the share of bifurcations (FVC2002 templates: 30–40 %)
	bifurcationShare = 0.35
)

// rng returns the deterministic generator of one (seed, a, b) stream.
func rng(seed uint64, a, b uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x9E3779B97F4A7C15*(a+1), b*0xBF58476D1CE4E5B9+a))
}

// NewFinger generates finger number finger (0–9) of person person.
func NewFinger(o Options, seed uint64, person, finger int) *Finger {
	o = o.withDefaults()
	r := rng(seed, uint64(person), uint64(finger))
	field := newField(r)
	f := &Finger{CX: areaW / 2, CY: areaH / 2}
	n := int(math.Round(o.MeanMinutiae + r.NormFloat64()*o.MeanMinutiae*0.18))
	n = max(12, min(n, 120))
	// minutiae lie on ridges: positions snap across the flow to the ridge lattice
	period := 9.0 + r.NormFloat64()*0.6
	phase := r.Float64() * period
	onRidge := func(x, y float64) (float64, float64) {
		dir := field.at(x-f.CX, y-f.CY)
		nx, ny := -math.Sin(dir), -math.Cos(dir) // image y down: the flow is (cos, −sin)
		tt := nx*x + ny*y
		dt := math.Round((tt-phase)/period)*period + phase - tt
		return x + dt*nx, y + dt*ny
	}
	pts := scatter(r, n, onRidge)
	// which way a minutia points along its ridge: towards the fingertip side (up on the
	// image), the way FVC2002 minutiae lean (up on 62 % of steep ridges on DB1–3; real
	// templates re-pointed all up match the originals as often as the originals match each
	// other, re-pointed at random four times less often)
	for _, p := range pts {
		dir := field.at(p[0]-f.CX, p[1]-f.CY)
		if (math.Sin(normAngle(dir)) < 0) != (r.Float64() < o.FlipNoise) {
			dir += math.Pi
		}
		t := matcher.TypeEnding
		if r.Float64() < bifurcationShare {
			t = matcher.TypeBifurcation
		}
		f.Minutiae = append(f.Minutiae, matcher.Minutia{
			X: int(p[0]), Y: int(p[1]), Angle: normAngle(dir + r.NormFloat64()*0.02),
			Type: t, Quality: uint8(15 + r.IntN(86)),
		})
	}
	return f
}

// inFinger reports whether (x, y) lies in the finger-shaped foreground: an ellipse whose
// lower part is cut straight (where the finger meets the scanner edge).
func inFinger(x, y float64) bool {
	ex, ey := (x-areaW/2)/(areaW/2), (y-areaH*0.45)/(areaH*0.55)
	return ex*ex+ey*ey <= 1 && y <= areaH-10 && y >= 0
}

// scatter places n points in the foreground at least minSpacing apart (dart throwing on a
// grid; fewer points if the area fills up), each dart moved by snap before it is tested.
func scatter(r *rand.Rand, n int, snap func(x, y float64) (float64, float64)) [][2]float64 {
	const cell = minSpacing / 1.5 // a cell's diagonal is below minSpacing: one point per cell
	gw, gh := int(math.Floor(areaW/cell))+1, int(math.Floor(areaH/cell))+1
	grid := make([]int32, gw*gh)
	var pts [][2]float64
	for tries := 0; len(pts) < n && tries < 60*n; tries++ {
		x, y := snap(r.Float64()*areaW, r.Float64()*areaH)
		if !inFinger(x, y) {
			continue
		}
		gx, gy := int(x/cell), int(y/cell)
		ok := true
		for j := max(gy-2, 0); j <= min(gy+2, gh-1) && ok; j++ {
			for i := max(gx-2, 0); i <= min(gx+2, gw-1); i++ {
				if k := grid[j*gw+i]; k > 0 {
					q := pts[k-1]
					if (q[0]-x)*(q[0]-x)+(q[1]-y)*(q[1]-y) < minSpacing*minSpacing {
						ok = false
						break
					}
				}
			}
		}
		if ok {
			pts = append(pts, [2]float64{x, y})
			grid[gy*gw+gx] = int32(len(pts))
		}
	}
	return pts
}

// normAngle maps an angle to [0, 2π).
func normAngle(a float64) float64 {
	a = math.Mod(a, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a
}
