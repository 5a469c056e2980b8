package matcher

import (
	"math"
	"sort"
)

// hull is the convex hull of a template's minutiae as outward edge lines, used to decide
// which cylinder cells lie on the fingerprint.
type hull struct {
	nx, ny, c []float32 // edge k: points q with nx·qx + ny·qy − c ≤ 0 are inside
}

// newHull builds the hull (Andrew's monotone chain). With fewer than three distinct
// points the hull is empty and near reports true everywhere.
func newHull(xs, ys []float32) hull {
	if len(xs) < 3 {
		return hull{}
	}
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		if xs[idx[a]] != xs[idx[b]] {
			return xs[idx[a]] < xs[idx[b]]
		}
		return ys[idx[a]] < ys[idx[b]]
	})
	cross := func(o, a, b int) float32 {
		return (xs[a]-xs[o])*(ys[b]-ys[o]) - (ys[a]-ys[o])*(xs[b]-xs[o])
	}
	var pts []int
	for pass := 0; pass < 2; pass++ {
		start := len(pts)
		for _, i := range idx {
			for len(pts) >= start+2 && cross(pts[len(pts)-2], pts[len(pts)-1], i) <= 0 {
				pts = pts[:len(pts)-1]
			}
			pts = append(pts, i)
		}
		pts = pts[:len(pts)-1]
		for l, r := 0, len(idx)-1; l < r; l, r = l+1, r-1 {
			idx[l], idx[r] = idx[r], idx[l]
		}
	}
	var h hull
	if len(pts) < 3 {
		return h
	}
	for k := range pts {
		a, b := pts[k], pts[(k+1)%len(pts)]
		dx, dy := xs[b]-xs[a], ys[b]-ys[a]
		l := float32(math.Sqrt(float64(dx*dx + dy*dy)))
		if l == 0 {
			continue
		}
		nx, ny := dy/l, -dx/l // outward for a counter-clockwise hull
		h.nx, h.ny, h.c = append(h.nx, nx), append(h.ny, ny), append(h.c, nx*xs[a]+ny*ys[a])
	}
	return h
}

// near reports whether (x, y) lies inside the hull enlarged by margin.
func (h *hull) near(x, y, margin float32) bool {
	for k := range h.c {
		if h.nx[k]*x+h.ny[k]*y-h.c[k] > margin {
			return false
		}
	}
	return true
}

// depth returns how far (x, y) lies inside the hull: the distance to the nearest edge line,
// negative outside; +Inf for an empty hull.
func (h *hull) depth(x, y float32) float32 {
	d := float32(math.Inf(1))
	for k := range h.c {
		d = min(d, h.c[k]-(h.nx[k]*x+h.ny[k]*y))
	}
	return d
}
