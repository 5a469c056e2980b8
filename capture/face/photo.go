package face

import (
	"fmt"
	"math"
)

// photometry checks exposure, contrast and sharpness over the central face area.
func (k *Checker) photometry(res *Result, g *gray, lm landmarks) {
	o := &k.opt
	d := dist(lm.left, lm.right)
	mid := point{(lm.left.X + lm.right.X) / 2, (lm.left.Y + lm.right.Y) / 2}
	// The face area: from the eyebrows to the mouth, cheek to cheek, sampled at 32 px per eye distance.
	var vals []float64
	const n = 48
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			x := mid.X + (float64(i)/(n-1)-0.5)*1.6*d
			y := mid.Y + (float64(j)/(n-1)*1.6-0.4)*d
			if v := g.at(x, y); v >= 0 {
				vals = append(vals, v)
			}
		}
	}
	st := statsOf(vals)
	switch {
	case st.mean < o.MinMean:
		res.fail(TooDark, st.mean, "face too dark (mean %.0f, at least %.0f): more light on the face, no back light", st.mean, o.MinMean)
	case st.mean > o.MaxMean:
		res.fail(TooBright, st.mean, "face too bright (mean %.0f, at most %.0f): less light or a diffuser", st.mean, o.MaxMean)
	}
	if st.std < o.MinStd {
		res.fail(LowContrast, st.std, "too little contrast on the face (spread %.0f, at least %.0f): even, brighter lighting", st.std, o.MinStd)
	}
	if c := st.darkFrac + st.lightFrac; c > o.MaxClipped {
		res.fail(TooBright, c, "%.0f%% of the face is clipped to black or white: adjust the exposure", c*100)
	}
	if len(res.Failed) > 0 {
		return // fix the light first: sharpness is not judged on a badly exposed face
	}
	if s := sharpness(g, mid, d); s < o.MinSharpness {
		res.fail(Blurred, s, "photo not sharp (%s): hold still, check the focus", fmt.Sprintf("%.0f < %.0f", s, o.MinSharpness))
	}
}

// sharpness is the mean squared Laplacian of the face resampled so the eyes are 64 px apart.
func sharpness(g *gray, mid point, d float64) float64 {
	const eye = 64.0
	const n = 96 // samples across 1.5 eye distances
	scale := d / eye
	v := make([]float64, n*n)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			v[j*n+i] = g.at(mid.X+(float64(i)-n/2)*scale, mid.Y+(float64(j)-n/4)*scale)
		}
	}
	var sum float64
	cnt := 0
	for j := 1; j < n-1; j++ {
		for i := 1; i < n-1; i++ {
			c := v[j*n+i]
			l, r, u, dn := v[j*n+i-1], v[j*n+i+1], v[(j-1)*n+i], v[(j+1)*n+i]
			if c < 0 || l < 0 || r < 0 || u < 0 || dn < 0 {
				continue
			}
			lap := l + r + u + dn - 4*c
			sum += lap * lap
			cnt++
		}
	}
	if cnt == 0 {
		return 0
	}
	return math.Sqrt(sum / float64(cnt))
}

// background checks the token crop's background where no head reaches, whatever its
// shape or hair: the band along the top edge (the top 8 % of the height) and the bands along
// the sides (the outer 10 % of the width) from the top down to the eye line. Padding beyond
// the picture is left out.
func (k *Checker) background(res *Result, t *gray) {
	o := &k.opt
	eyeLine := int(0.6 * float64(t.w))
	step := max(1, t.w/160)
	var vals, grads []float64
	for y := step; y < eyeLine && y < t.h-step; y += step {
		for x := step; x < t.w-step; x += step {
			top := y < t.h*8/100
			side := x < t.w/10 || x >= t.w-t.w/10
			if !(top || side) || !t.real(x-step, y-step) || !t.real(x+step, y+step) {
				continue
			}
			p := func(x, y int) float64 { return float64(t.pix[y*t.w+x]) }
			vals = append(vals, p(x, y))
			grads = append(grads, math.Abs(p(x+step, y)-p(x-step, y))+math.Abs(p(x, y+step)-p(x, y-step)))
		}
	}
	st, gs := statsOf(vals), statsOf(grads)
	if st.n < 20 {
		return // the picture ends where the background would be: nothing to judge
	}
	if st.std > o.MaxBackgroundStd || gs.mean > o.MaxBackgroundEdges {
		res.fail(BusyBackdrop, st.std, "background not plain (spread %.0f, edges %.1f): use the plain backdrop behind the applicant", st.std, gs.mean)
	}
}

func (g *gray) real(x, y int) bool { return g.mask == nil || g.mask[y*g.w+x] }
