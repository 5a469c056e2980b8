package synth

import (
	"math"
	"math/rand/v2"

	"github.com/enrolld/enrolld/matcher"
)

// Sensor window of an impression (500 dpi), about a plain-impression scanner.
const (
	sensorW = 250
	sensorH = 320
)

// Impression parameters: rotation and displacement of the placement, elastic distortion,
// detection errors.
const (
	rotSigma      = 0.17 // radians (about 10°)
	shiftSigma    = 25.0 // pixels
	distortAmp    = 6.0  // pixels of elastic displacement at the contact border
	missRate      = 0.10 // true minutiae not detected (besides those in poor patches)
	patchCount    = 3
	patchRadius   = 45.0
	spuriousRate  = 0.12 // spurious minutiae, as a fraction of the detected ones
	brokenShare   = 0.7  // share of spurious minutiae drawn as pairs across broken ridges
	posJitter     = 2.5  // pixels
	angleJitter   = 0.02 // radians
	distortLength = 140.0
)

// Impression returns impression number k of the finger: placement, distortion, cropping
// to the sensor, missed and spurious minutiae. The template is at 500 dpi with position
// pos (ISO 1–10, or 0).
func (f *Finger) Impression(seed uint64, person, finger, k int, pos uint8) *matcher.Template {
	r := rng(seed^0x5851F42D4C957F2D, uint64(person)<<8|uint64(finger), uint64(k)+1)
	rot := r.NormFloat64() * rotSigma
	dx, dy := r.NormFloat64()*shiftSigma, r.NormFloat64()*shiftSigma
	// the contact centre and a random smooth distortion: a twist and a stretch around it
	ccx, ccy := f.CX+r.NormFloat64()*30, f.CY+r.NormFloat64()*30
	twist := r.NormFloat64() * distortAmp / distortLength
	sx, sy := r.NormFloat64()*distortAmp/distortLength, r.NormFloat64()*distortAmp/distortLength
	cs, sn := math.Cos(rot), math.Sin(rot)
	t := &matcher.Template{Width: sensorW, Height: sensorH, ResX: matcher.PPCMFromDPI(500),
		ResY: matcher.PPCMFromDPI(500), Position: pos, Quality: 60}
	ox, oy := float64(sensorW)/2, float64(sensorH)/2
	bad := newPatches(r)
	for _, m := range f.Minutiae {
		if r.Float64() < missRate || bad.at(float64(m.X), float64(m.Y)) {
			continue
		}
		// elastic distortion grows with distance from the contact centre
		ex, ey := float64(m.X)-ccx, float64(m.Y)-ccy
		rr := math.Hypot(ex, ey) / distortLength
		w := rr * rr / (1 + rr*rr)
		ang := twist * w * distortLength / math.Max(math.Hypot(ex, ey), 1)
		ex2 := ex*math.Cos(ang) - ey*math.Sin(ang) + sx*ex*w
		ey2 := ex*math.Sin(ang) + ey*math.Cos(ang) + sy*ey*w
		x, y := ex2+ccx-f.CX, ey2+ccy-f.CY
		// placement on the sensor
		px := x*cs - y*sn + ox + dx + r.NormFloat64()*posJitter
		py := x*sn + y*cs + oy + dy + r.NormFloat64()*posJitter
		if px < 8 || py < 8 || px > sensorW-8 || py > sensorH-8 {
			continue
		}
		// image y is down: a rotation by rot on the image turns ISO angles by −rot
		a := normAngle(m.Angle - rot - ang + r.NormFloat64()*angleJitter)
		t.Minutiae = append(t.Minutiae, matcher.Minutia{X: int(px), Y: int(py), Angle: a, Type: m.Type, Quality: m.Quality})
	}
	addSpurious(r, t)
	return t
}

// addSpurious adds false minutiae where the finger is: most in pairs of facing ridge
// endings across a gap of a broken ridge (creases, dry skin, noise: the commonest extractor
// artefact, frequent on FVC2002 DB3), the rest single minutiae of random direction.
func addSpurious(r *rand.Rand, t *matcher.Template) {
	if len(t.Minutiae) == 0 {
		return
	}
	n := int(math.Round(float64(len(t.Minutiae)) * spuriousRate * (0.5 + r.Float64())))
	for added, tries := 0, 0; added < n && tries < 4*n; tries++ {
		// near an existing minutia, along its ridge flow
		m := t.Minutiae[r.IntN(len(t.Minutiae))]
		x := float64(m.X) + r.NormFloat64()*30
		y := float64(m.Y) + r.NormFloat64()*30
		a := m.Angle + r.NormFloat64()*0.15
		if r.Float64() >= brokenShare {
			added += addInside(t, x, y, r.Float64()*2*math.Pi, matcher.MinutiaType(1+r.IntN(2)), r)
			continue
		}
		gap := 6 + r.Float64()*14
		dx, dy := math.Cos(a)*gap/2, -math.Sin(a)*gap/2 // image y down
		added += addInside(t, x+dx, y+dy, a+math.Pi, matcher.TypeEnding, r)
		added += addInside(t, x-dx, y-dy, a, matcher.TypeEnding, r)
	}
}

// addInside appends a spurious minutia to t if it lies inside the sensor margins; it
// returns the number added (0 or 1).
func addInside(t *matcher.Template, x, y, a float64, typ matcher.MinutiaType, r *rand.Rand) int {
	if x < 8 || y < 8 || x > sensorW-8 || y > sensorH-8 {
		return 0
	}
	t.Minutiae = append(t.Minutiae, matcher.Minutia{X: int(x), Y: int(y), Angle: normAngle(a),
		Type: typ, Quality: uint8(20 + r.IntN(40))})
	return 1
}

// Person returns impression k of all ten fingers of a person (positions 1–10).
func Person(o Options, seed uint64, person, k int) [10]*matcher.Template {
	var out [10]*matcher.Template
	for f := range 10 {
		out[f] = NewFinger(o, seed, person, f).Impression(seed, person, f, k, uint8(f+1))
	}
	return out
}

// patches are the regions of an impression where the skin or the contact is poor (dry, wet,
// scarred) and the extractor finds no minutiae: a few random smooth blobs.
type patches struct {
	c [][3]float64 // centre x, y and radius
}

func newPatches(r *rand.Rand) patches {
	var p patches
	for range patchCount {
		p.c = append(p.c, [3]float64{r.Float64() * 280, r.Float64() * 370, patchRadius * (0.5 + r.Float64())})
	}
	return p
}

func (p patches) at(x, y float64) bool {
	for _, c := range p.c {
		if (x-c[0])*(x-c[0])+(y-c[1])*(y-c[1]) < c[2]*c[2] {
			return true
		}
	}
	return false
}
