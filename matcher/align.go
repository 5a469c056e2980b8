package matcher

import "math"

// Global consolidation: the best local pairs each propose an alignment (rotation and
// translation taking one minutia onto its partner). Under it minutiae are paired
// one-to-one when they land close with a similar direction (loose tolerances); the
// rigid transform that best fits those pairs (least squares) then replaces the proposal
// and minutiae are paired again with tight tolerances. The alignment pairing the most
// minutiae wins. Tolerances grow with the distance from the alignment's centre to absorb
// skin distortion.
const (
	alignRefs     = 8
	looseTol      = 12.0 // px at the centre
	looseSlope    = 0.10 // extra px per px from the centre
	looseAng      = 28   // binary radians (about 39°)
	tightTol      = 6.0
	tightSlope    = 0.05
	tightAng      = 14 // about 20°
	alignMinN     = 10 // floor of the overlap counts in the score
	alignHullSlop = 15 // px: hull margin when counting minutiae in the overlap
)

// rigid is a rotation by the angle (cos, sin) about the origin followed by a shift.
type rigid struct {
	cos, sin, dx, dy float32
	rot              uint8   // rotation in binary radians
	cx, cy           float32 // centre (in b's frame) from which tolerances grow
}

func (t *rigid) apply(x, y float32) (float32, float32) {
	return x*t.cos - y*t.sin + t.dx, x*t.sin + y*t.cos + t.dy
}

// alignScore returns m²/(nA·nB) for the best alignment, where m is the number of paired
// minutiae and nA, nB count the minutiae of each template inside the other's hull.
func (c *Comparator) alignScore(a, b *Prepared) float64 {
	best := 0.0
	hb := newHull(b.x, b.y)
	c.tx, c.ty = growF(c.tx, len(a.x)), growF(c.ty, len(a.x))
	c.match = growInt(c.match, len(a.x))
	for r := 0; r < len(c.refs) && r < alignRefs; r++ {
		p := c.sel[c.refs[r]]
		ia, ib := int(a.cidx[p.a]), int(b.cidx[p.b])
		rot := b.dir[ib] - a.dir[ia]
		th := float64(rot) * 2 * math.Pi / 256
		t := rigid{cos: float32(math.Cos(th)), sin: float32(math.Sin(th)), rot: rot, cx: b.x[ib], cy: b.y[ib]}
		x, y := t.apply(a.x[ia], a.y[ia])
		t.dx, t.dy = b.x[ib]-x, b.y[ib]-y
		m := c.pairUnder(a, b, &t, tightTol, tightSlope, tightAng)
		inB := 0
		for k := range a.x {
			if hb.near(c.tx[k], c.ty[k], alignHullSlop) {
				inB++
			}
		}
		ha := newHull(c.tx, c.ty)
		inA := 0
		for k := range b.x {
			if ha.near(b.x[k], b.y[k], alignHullSlop) {
				inA++
			}
		}
		s := float64(m*m) / float64(max(inA, alignMinN)*max(inB, alignMinN))
		best = math.Max(best, s)
	}
	return best
}

// pairUnder transforms a's minutiae into c.tx, c.ty and pairs them greedily with b's
// nearest compatible minutia; c.match[k] is the partner of a's minutia k or −1.
func (c *Comparator) pairUnder(a, b *Prepared, t *rigid, tol0, slope float32, angTol uint8) int {
	c.usedB = growBool(c.usedB, len(b.x))
	m := 0
	for k := range a.x {
		c.tx[k], c.ty[k] = t.apply(a.x[k], a.y[k])
		rx, ry := c.tx[k]-t.cx, c.ty[k]-t.cy
		tol := tol0 + slope*float32(math.Sqrt(float64(rx*rx+ry*ry)))
		bi, bd := -1, tol*tol
		da := a.dir[k] + t.rot
		for j := range b.x {
			if c.usedB[j] || bradDiff(da, b.dir[j]) > angTol {
				continue
			}
			ex, ey := c.tx[k]-b.x[j], c.ty[k]-b.y[j]
			if d := ex*ex + ey*ey; d < bd {
				bi, bd = j, d
			}
		}
		c.match[k] = bi
		if bi >= 0 {
			c.usedB[bi] = true
			m++
		}
	}
	return m
}

// fit returns the least-squares rigid transform of the pairs in c.match.
func (c *Comparator) fit(a, b *Prepared, t rigid) rigid {
	var ax, ay, bx, by, n float32
	for k, j := range c.match[:len(a.x)] {
		if j >= 0 {
			ax, ay, bx, by, n = ax+a.x[k], ay+a.y[k], bx+b.x[j], by+b.y[j], n+1
		}
	}
	ax, ay, bx, by = ax/n, ay/n, bx/n, by/n
	var sc, ss float64
	for k, j := range c.match[:len(a.x)] {
		if j >= 0 {
			px, py := float64(a.x[k]-ax), float64(a.y[k]-ay)
			qx, qy := float64(b.x[j]-bx), float64(b.y[j]-by)
			sc += px*qx + py*qy
			ss += px*qy - py*qx
		}
	}
	th := math.Atan2(ss, sc)
	f := rigid{cos: float32(math.Cos(th)), sin: float32(math.Sin(th)), rot: brad(float32(th)), cx: bx, cy: by}
	x, y := f.apply(ax, ay)
	f.dx, f.dy = bx-x, by-y
	return f
}

func growInt(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}
