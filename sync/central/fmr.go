package central

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// SyntheticFMR returns a valid ISO/IEC 19794-2:2005 finger minutiae record ("FMR\0", " 20\0")
// with one view of plausible random minutiae: 25–60 of them, at least 10 px apart, inside an
// elliptical finger area of a 500 dpi (197 px/cm) image, with directions following a loop-like
// ridge flow around a core point plus noise, roughly half endings and half bifurcations.
// It is a stand-in for the matcher's realistic generator.
func SyntheticFMR(rng *rand.Rand, position int) []byte {
	const w, h = 400, 500
	n := 25 + rng.IntN(36)
	cx, cy := 150+rng.Float64()*100, 180+rng.Float64()*140
	type pt struct{ x, y float64 }
	var pts []pt
	for tries := 0; len(pts) < n && tries < 5000; tries++ {
		x, y := 40+rng.Float64()*(w-80), 40+rng.Float64()*(h-80)
		if dx, dy := (x-w/2)/(w/2-40), (y-h/2)/(h/2-40); dx*dx+dy*dy > 1 {
			continue
		}
		ok := true
		for _, p := range pts {
			if (p.x-x)*(p.x-x)+(p.y-y)*(p.y-y) < 100 {
				ok = false
				break
			}
		}
		if ok {
			pts = append(pts, pt{x, y})
		}
	}
	rec := make([]byte, 0, 30+6*len(pts))
	rec = append(rec, "FMR\x00 20\x00"...)
	rec = binary.BigEndian.AppendUint32(rec, uint32(24+4+6*len(pts)+2))
	rec = binary.BigEndian.AppendUint16(rec, 0) // capture equipment: unspecified
	rec = binary.BigEndian.AppendUint16(rec, w)
	rec = binary.BigEndian.AppendUint16(rec, h)
	rec = binary.BigEndian.AppendUint16(rec, 197)
	rec = binary.BigEndian.AppendUint16(rec, 197)
	rec = append(rec, 1, 0)                                                     // one view, reserved
	rec = append(rec, byte(position), 0, byte(60+rng.IntN(41)), byte(len(pts))) // live-scan plain
	for _, p := range pts {
		// ridge flow circling the core, tilted outward away from it
		theta := math.Atan2(p.y-cy, p.x-cx) + math.Pi/2 + 0.3*math.Tanh(math.Hypot(p.x-cx, p.y-cy)/150) + rng.NormFloat64()*0.15
		if rng.IntN(2) == 0 {
			theta += math.Pi
		}
		a := byte(int(math.Round(math.Mod(theta+4*math.Pi, 2*math.Pi)/(2*math.Pi)*256)) & 0xff)
		typ := uint16(1 + rng.IntN(2)) // 01 ending, 10 bifurcation
		rec = binary.BigEndian.AppendUint16(rec, typ<<14|uint16(p.x))
		rec = binary.BigEndian.AppendUint16(rec, uint16(p.y))
		rec = append(rec, a, byte(40+rng.IntN(61)))
	}
	return binary.BigEndian.AppendUint16(rec, 0) // no extended data
}
