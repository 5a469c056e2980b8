package face

import (
	"math"
	"slices"

	pigo "github.com/esimov/pigo/core"
)

// point is a position in pixels of the still.
type point struct{ X, Y float64 }

func dist(a, b point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// detection is one face the cascade found, in still pixels.
type detection struct {
	center point
	size   float64 // side of the detection square
	q      float32 // cascade score
}

// landmarks are the located features of one face.
type landmarks struct {
	left, right point   // the eyes as seen in the image (left = smaller x)
	mouth       point   // mouth centre (0,0 if not found)
	corners     []point // mouth corners found (0 to 2)
	found       bool    // both pupils located
}

// detectMaxSide is the longer side the still is reduced to for face detection.
const detectMaxSide = 640

// faces finds the faces of g, scaling to at most detectMaxSide for speed.
func (c *cascades) faces(g *gray, minQ float32) []detection {
	f := math.Min(1, detectMaxSide/float64(max(g.w, g.h)))
	small := g
	if f < 1 {
		small = g.scaled(f)
	}
	side := min(small.w, small.h)
	cp := pigo.CascadeParams{MinSize: max(24, side/10), MaxSize: side, ShiftFactor: 0.1, ScaleFactor: 1.1,
		ImageParams: pigo.ImageParams{Pixels: small.pix, Rows: small.h, Cols: small.w, Dim: small.w}}
	dets := c.face.RunCascade(cp, 0)
	dets = c.face.ClusterDetections(dets, 0.2)
	var out []detection
	for _, d := range dets {
		if d.Q < minQ {
			continue
		}
		out = append(out, detection{center: point{float64(d.Col) / f, float64(d.Row) / f}, size: float64(d.Scale) / f, q: d.Q})
	}
	return out
}

// pupilRuns is how often each pupil is localised; the median of the runs is kept.
const pupilRuns = 7

// locate finds the pupils and the mouth of face d on the full-resolution plane.
func (c *cascades) locate(g *gray, d detection) landmarks {
	img := pigo.ImageParams{Pixels: g.pix, Rows: g.h, Cols: g.w, Dim: g.w}
	eye := func(dx float64) *pigo.Puploc {
		p := pigo.Puploc{Row: int(d.center.Y - 0.085*d.size), Col: int(d.center.X + dx*d.size), Scale: float32(d.size * 0.4), Perturbs: 63}
		return c.findPupil(p, img, dx > 0)
	}
	l, r := eye(-0.185), eye(0.185)
	var lm landmarks
	if l.Row <= 0 || l.Col <= 0 || r.Row <= 0 || r.Col <= 0 {
		return lm
	}
	lm.left, lm.right, lm.found = point{float64(l.Col), float64(l.Row)}, point{float64(r.Col), float64(r.Row)}, true
	var xs, ys []float64
	for _, m := range []struct {
		c    *pigo.PuplocCascade
		flip bool
	}{{c.mouth, false}, {c.corner, false}, {c.corner, true}} {
		p := m.c.GetLandmarkPoint(l, r, img, 63, m.flip)
		if p.Row > 0 && p.Col > 0 {
			xs, ys = append(xs, float64(p.Col)), append(ys, float64(p.Row))
			if m.c == c.corner {
				lm.corners = append(lm.corners, point{float64(p.Col), float64(p.Row)})
			}
		}
	}
	if len(xs) > 0 {
		lm.mouth = point{mean(xs), mean(ys)}
	}
	return lm
}

// findPupil localises one pupil from the start p. pigo's localiser perturbs its start at
// random (its own median over p.Perturbs tries), so one run moves by a few pixels from call to
// call; the median of pupilRuns runs, per coordinate, holds still. Its cascade describes the
// eye on the image's left: the eye on the image's right is localised with the cascade
// mirrored (mirror), which removes a bias that otherwise tilts the eye line by about 5° on
// a symmetric face (measured on the emulated camera's drawn face: median roll 5.3° → 0°).
func (c *cascades) findPupil(p pigo.Puploc, img pigo.ImageParams, mirror bool) *pigo.Puploc {
	var rows, cols, scales [pupilRuns]float64
	for i := range pupilRuns {
		q := c.pupil.RunDetector(p, img, 0, mirror)
		if q.Row <= 0 || q.Col <= 0 {
			return q // off the picture: not found
		}
		rows[i], cols[i], scales[i] = float64(q.Row), float64(q.Col), float64(q.Scale)
	}
	return &pigo.Puploc{Row: int(median(rows[:])), Col: int(median(cols[:])), Scale: float32(median(scales[:]))}
}

// median returns the middle value of v (an odd number of values), reordering v.
func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
