package extract

import (
	"math"

	"github.com/enrolld/enrolld/matcher"
)

// removeFalse marks the candidates that are artefacts of noise, scars, pores or the edge
// of the print: closer than borderPx to the background, endings whose ridge runs out of
// the finger area, spurs, short ridges, bridges, breaks and clusters. wl is the typical
// ridge wavelength in pixels. All rules look at the original set, so the result does not
// depend on the order of the candidates. (Dropping minutiae in blocks of low clarity or
// orientation certainty was measured and makes matching worse: see the package doc.)
func removeFalse(cs []candidate, wl float64, f *field, borderPx float64) {
	drop := make([]bool, len(cs))
	for k := range cs {
		c := &cs[k]
		if c.removed || f.edgeDistance(c.x, c.y, borderPx+1) < borderPx || f.runsOut(c, 1.5*wl) {
			drop[k] = true
			continue
		}
		for _, b := range c.branch[:c.nb] {
			if b.hit < 0 {
				continue
			}
			o := &cs[b.hit]
			l := float64(b.length)
			switch {
			case c.typ == matcher.TypeEnding && o.typ == matcher.TypeBifurcation && l < 1.0*wl: // spur
				drop[k], drop[b.hit] = true, true
			case c.typ == matcher.TypeEnding && o.typ == matcher.TypeEnding && l < 1.5*wl: // short ridge
				drop[k], drop[b.hit] = true, true
			case c.typ == matcher.TypeBifurcation && o.typ == matcher.TypeBifurcation && l < 1.0*wl: // bridge, lake
				drop[k], drop[b.hit] = true, true
			}
		}
	}
	breaks(cs, wl, drop)
	clusters(cs, wl, drop)
	for k := range cs {
		cs[k].removed = cs[k].removed || drop[k]
	}
}

// breaks drops pairs of endings that face each other across a short gap (a broken ridge).
func breaks(cs []candidate, wl float64, drop []bool) {
	for i := range cs {
		a := &cs[i]
		if a.typ != matcher.TypeEnding || a.removed {
			continue
		}
		for j := i + 1; j < len(cs); j++ {
			b := &cs[j]
			if b.typ != matcher.TypeEnding || b.removed {
				continue
			}
			dx, dy := float64(b.x-a.x), float64(b.y-a.y)
			d := math.Hypot(dx, dy)
			if d > 1.0*wl {
				continue
			}
			facing := math.Cos(a.angle-b.angle) < -0.7
			line := math.Atan2(dy, dx)
			aligned := math.Cos(a.angle-line) > 0.6
			if facing && aligned {
				drop[i], drop[j] = true, true
			}
		}
	}
}

// clusters drops minutiae crowded by two or more others closer than one wavelength.
func clusters(cs []candidate, wl float64, drop []bool) {
	for i := range cs {
		if cs[i].removed {
			continue
		}
		n := 0
		for j := range cs {
			if i == j || cs[j].removed {
				continue
			}
			if math.Hypot(float64(cs[j].x-cs[i].x), float64(cs[j].y-cs[i].y)) < wl {
				n++
			}
		}
		if n >= 2 {
			drop[i] = true
		}
	}
}

// runsOut reports whether an ending's ridge, continued ahead by reach pixels, leaves the
// finger area: the ridge was cut by the edge of the print rather than ending.
func (f *field) runsOut(c *candidate, reach float64) bool {
	if c.typ != matcher.TypeEnding {
		return false
	}
	x := c.x + int(math.Round(reach*math.Cos(c.angle)))
	y := c.y + int(math.Round(reach*math.Sin(c.angle)))
	if x < 0 || y < 0 || x >= f.bw*blockSize || y >= f.bh*blockSize {
		return true
	}
	return !f.fg[(y/blockSize)*f.bw+x/blockSize]
}
