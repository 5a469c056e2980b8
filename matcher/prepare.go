package matcher

import (
	"fmt"
	"math"
	"sort"
)

// Prepared is a template made ready for comparison: minutiae at 500 dpi in a y-up frame,
// one MCC bit cylinder (value bits and validity bits) per minutia whose cylinder is valid,
// the minutiae's convex hull and the pairwise geometry used by the relaxation. A Prepared
// is immutable once built and safe for concurrent use by many Comparators. It takes about
// 380 bytes per minutia plus 8 bytes per minutia pair (about 28 KiB for 40 minutiae) and
// about 0.2–0.3 ms of one core to build, so galleries keep Packed templates and prepare
// only the candidates of the precise stage (or cache the Prepared of frequent ones).
type Prepared struct {
	x, y []float32 // all minutiae, 500 dpi, y up
	dir  []uint8   // all minutiae, binary radians

	hull     hull      // convex hull of the minutiae
	sortedX  []float32 // minutiae x coordinates, ascending
	byX      []int16   // minutia index of each sortedX entry
	sortedY  []float32 // y of each sortedX entry
	sortedD  []uint8   // direction of each sortedX entry
	colX0    float32   // x of the first column of colStart
	colStart []int16   // first sortedX index with x ≥ colX0 + c·colWidth, per column c

	cidx  []int16    // minutia index of each valid cylinder
	cpop  []int16    // per valid cylinder: number of set value bits
	cspat []int16    // per valid cylinder: number of its cells on the finger (of discCells)
	cmask []cylMasks // per valid cylinder: the words a comparison has to visit
	cfull []uint8    // per valid cylinder: 1 if all its cells lie on the finger
	cyl   []uint64   // per valid cylinder: value words, validity words, spatial validity words
	geo   []pairGeo  // nc×nc geometry of pairs of cylinder minutiae
}

// pairGeo is the geometry of minutia k seen from minutia i: their distance, dφ(θi, θk)
// and the angle between θi and the segment i→k. The relaxation reads all three together.
type pairGeo struct {
	dist     float32
	rel, rad uint8
}

// colWidth is the width in pixels of the columns indexing the x-sorted minutiae.
const colWidth = 16

// firstAtOrAfter returns the first index of sortedX whose x could be ≥ x (a column start:
// callers skip the few smaller ones).
func (p *Prepared) firstAtOrAfter(x float32) int {
	c := int((x - p.colX0) / colWidth)
	if x < p.colX0 || c < 0 {
		return 0
	}
	if c >= len(p.colStart) {
		return len(p.sortedX)
	}
	return int(p.colStart[c])
}

// Len returns the number of minutiae.
func (p *Prepared) Len() int { return len(p.x) }

// Cylinders returns the number of valid cylinders.
func (p *Prepared) Cylinders() int { return len(p.cidx) }

// Cylinder returns the value and validity bit vectors of valid cylinder c and the index
// of its minutia. Each vector has CylinderWords words; bit d·6+k stands for direction
// section k (of 6, relative direction −π…π) of spatial cell d, where d numbers in
// row-major order the 208 cells of the 16×16 grid (8.75 px at 500 dpi, aligned with the
// minutia's direction) whose centre lies within 70 px of the minutia. The slices alias p:
// do not modify them.
func (p *Prepared) Cylinder(c int) (value, valid []uint64, minutia int) {
	w := p.cyl[c*cylStride:]
	return w[:cylWords], w[cylWords : 2*cylWords], int(p.cidx[c])
}

// CylinderWords is the number of 64-bit words of one cylinder bit vector.
const CylinderWords = cylWords

// Prepare builds the comparison form of a template; coordinates are scaled to 500 dpi
// using the template's resolution.
func Prepare(t *Template) *Prepared {
	sx, sy := scaleTo500(t.ResX), scaleTo500(t.ResY)
	p := &Prepared{}
	for _, m := range t.Minutiae {
		p.x = append(p.x, float32(float64(m.X)*sx))
		p.y = append(p.y, -float32(float64(m.Y)*sy))
		p.dir = append(p.dir, brad(float32(normAngle(m.Angle))))
	}
	p.build()
	return p
}

// PreparePacked builds the comparison form of a Packed template.
func PreparePacked(pk Packed) (*Prepared, error) {
	n := pk.Len()
	if n < 0 {
		return nil, fmt.Errorf("%w: packed template of %d bytes", ErrFormat, len(pk))
	}
	p := &Prepared{x: make([]float32, n), y: make([]float32, n), dir: make([]uint8, n)}
	for i := range n {
		b := pk[1+PackedMinutiaBytes*i:]
		p.x[i] = float32(int(b[0])<<4 | int(b[1]>>4))
		p.y[i] = -float32(int(b[1]&0x0f)<<8 | int(b[2]))
		p.dir[i] = b[3]
	}
	p.build()
	return p, nil
}

// build computes the cylinders and the pairwise tables.
func (p *Prepared) build() {
	p.hull = newHull(p.x, p.y)
	p.byX = make([]int16, len(p.x))
	for i := range p.byX {
		p.byX[i] = int16(i)
	}
	sort.Slice(p.byX, func(i, j int) bool { return p.x[p.byX[i]] < p.x[p.byX[j]] })
	p.sortedX = make([]float32, len(p.x))
	p.sortedY = make([]float32, len(p.x))
	p.sortedD = make([]uint8, len(p.x))
	for i, k := range p.byX {
		p.sortedX[i] = p.x[k]
		p.sortedY[i] = p.y[k]
		p.sortedD[i] = p.dir[k]
	}
	if len(p.sortedX) > 0 {
		p.colX0 = p.sortedX[0]
		cols := int((p.sortedX[len(p.sortedX)-1]-p.colX0)/colWidth) + 2
		p.colStart = make([]int16, cols)
		i := 0
		for c := range p.colStart {
			for i < len(p.sortedX) && p.sortedX[i] < p.colX0+float32(c)*colWidth {
				i++
			}
			p.colStart[c] = int16(i)
		}
	}
	var cyl [cylStride]uint64
	for i := range p.x {
		if p.cylinder(i, &p.hull, &cyl) {
			p.cidx = append(p.cidx, int16(i))
			p.cyl = append(p.cyl, cyl[:]...)
			p.cpop = append(p.cpop, int16(popcount(cyl[:cylWords])))
			p.cspat = append(p.cspat, int16(popcount(cyl[2*cylWords:])))
			m := newCylMasks(&cyl)
			p.cmask = append(p.cmask, m)
			full := uint8(0)
			if m.part == 0 {
				full = 1
			}
			p.cfull = append(p.cfull, full)
		}
	}
	nc := len(p.cidx)
	p.geo = make([]pairGeo, nc*nc)
	for a, ia := range p.cidx {
		for b, ib := range p.cidx {
			if a == b {
				continue
			}
			dx, dy := p.x[ib]-p.x[ia], p.y[ib]-p.y[ia]
			p.geo[a*nc+b] = pairGeo{
				dist: float32(math.Sqrt(float64(dx*dx + dy*dy))),
				rel:  p.dir[ia] - p.dir[ib],
				rad:  p.dir[ia] - brad(fastAtan2(dy, dx)),
			}
		}
	}
}

// cylMasks marks, for one cylinder, its value words holding a set bit (nz) and its
// validity words that are not all ones (part), bit w for word w. Cylinders are sparse
// (about 5 % of the value bits are set) and mostly on the finger, so a comparison visits
// about 8 pairs of value words and 4 validity words instead of 20 and 40.
type cylMasks struct{ nz, part uint32 }

// fullWord returns validity word w of a cylinder whose cells all lie on the finger.
func fullWord(w int) uint64 {
	if w == cylWords-1 && mccCells%64 != 0 {
		return 1<<(mccCells%64) - 1
	}
	return ^uint64(0)
}

func newCylMasks(cyl *[cylStride]uint64) cylMasks {
	var m cylMasks
	for w := range cylWords {
		if cyl[w] != 0 {
			m.nz |= 1 << w
		}
		if cyl[cylWords+w] != fullWord(w) {
			m.part |= 1 << w
		}
	}
	return m
}

// cylinder fills out with the cylinder of minutia i and reports whether it is valid.
func (p *Prepared) cylinder(i int, h *hull, out *[cylStride]uint64) bool {
	t := tables
	xi, yi := p.x[i], p.y[i]
	th := float64(p.dir[i]) * 2 * math.Pi / 256
	cs, sn := float32(math.Cos(th)), float32(math.Sin(th))
	*out = [cylStride]uint64{}
	// validity: disc cells whose centre lies in the enlarged hull
	valid := 0
	var cellOK [mccNS * mccNS]bool
	// a minutia at least mccR−mccOmega inside the hull has every cell within the margin
	deep := h.depth(xi, yi) >= mccR-mccOmega
	for c, ctr := range t.centres {
		if !t.inDisc[c] {
			continue
		}
		if deep {
			cellOK[c] = true
			valid++
			continue
		}
		wx := xi + ctr[0]*cs - ctr[1]*sn
		wy := yi + ctr[0]*sn + ctr[1]*cs
		if h.near(wx, wy, mccOmega) {
			cellOK[c] = true
			valid++
		}
	}
	if float64(valid) < mccMinVC*discCells {
		return false
	}
	var acc [gridCells]float32
	neigh := 0
	const reach2 = (mccR + mccReach) * (mccR + mccReach)
	for k := range p.x {
		dx, dy := p.x[k]-xi, p.y[k]-yi
		if k == i || dx*dx+dy*dy > reach2 {
			continue
		}
		neigh++
		u := dx*cs + dy*sn
		v := -dx*sn + dy*cs
		cd := &t.cd[p.dir[i]-p.dir[k]]
		// relative direction dφ(θi, θk) is what the cylinder's height encodes
		i0, i1 := cellRange(u)
		j0, j1 := cellRange(v)
		for cj := j0; cj <= j1; cj++ {
			for ci := i0; ci <= i1; ci++ {
				c := cj*mccNS + ci
				ex, ey := t.centres[c][0]-u, t.centres[c][1]-v
				d2 := ex*ex + ey*ey
				if d2 >= mccReach*mccReach {
					continue
				}
				g := t.gs[int(d2*(1/gsLUTStep))]
				a := acc[c*mccND : c*mccND+mccND]
				for s := range a {
					a[s] += g * cd[s]
				}
			}
		}
	}
	if neigh < mccMinM {
		return false
	}
	for c := range t.centres {
		if !cellOK[c] {
			continue
		}
		out[2*cylWords+c/64] |= 1 << (c % 64)
		d := int(t.disc[c]) * mccND
		for s := range mccND {
			b := d + s
			out[cylWords+b/64] |= 1 << (b % 64)
			if acc[c*mccND+s] > mccMuPsi {
				out[b/64] |= 1 << (b % 64)
			}
		}
	}
	return true
}

// cellRange returns the cell indices whose centres lie within the reach of coordinate v.
func cellRange(v float32) (lo, hi int) {
	lo = int(math.Ceil(float64((v-mccReach+mccR)/mccDeltaS - 0.5)))
	hi = int(math.Floor(float64((v+mccReach+mccR)/mccDeltaS - 0.5)))
	return max(lo, 0), min(hi, mccNS-1)
}
