package matcher

import (
	"math"
	"math/bits"
)

// LSS-R parameters (Cappelli et al. 2010, table 2).
const (
	maxDirDiff = 64 // π/2 in binary radians: pairs whose directions differ more are not compared
	relaxIter  = 5
	relaxW     = 0.5
	minNP      = 4
	maxNP      = 12
	muP        = 20
	tauP       = 0.4
	d1Step     = 0.125 // px per entry of the distance-compatibility table
	d1Len      = 400
)

// relaxTables holds the compatibility sigmoids of the relaxation.
type relaxTables struct {
	z1     [d1Len]float32 // distance difference
	z2, z3 [256]float32   // direction and radial-angle differences (a−b, binary radians)
}

var relax = newRelaxTables()

func newRelaxTables() *relaxTables {
	t := &relaxTables{}
	for i := range t.z1 {
		t.z1[i] = float32(sigmoid(float64(i)*d1Step, 5, -1.6))
	}
	for i := range t.z2 {
		a := float64(bradDiff(uint8(i), 0)) * 2 * math.Pi / 256
		t.z2[i] = float32(sigmoid(a, math.Pi/12, -30))
		t.z3[i] = float32(sigmoid(a, math.Pi/12, -70))
	}
	return t
}

// pair is a candidate correspondence between cylinder a of one template and b of the other.
type pair struct {
	a, b int16
	q    uint8
}

// Comparator compares prepared templates. It holds scratch buffers, so it is not safe for
// concurrent use: give each goroutine its own (the zero value is ready to use).
type Comparator struct {
	pairs, sorted []pair
	usedA, usedB  []bool
	sel           []pair
	lam, lam0, nx []float32
	rho           []float32
	refs          []int
	bdir          []uint8
}

// Compare returns the similarity of two prepared templates in [0, 1]: 0 for no
// resemblance; half of impostor comparisons score below 0.021, one in a thousand above
// 0.055, while genuine ones mostly score 0.05–0.35. Use FMRForScore or ThresholdForFMR to
// work in false-match rates. Compare is deterministic and nearly symmetric.
func (c *Comparator) Compare(a, b *Prepared) float64 {
	na, nb := len(a.cidx), len(b.cidx)
	if na == 0 || nb == 0 {
		return 0
	}
	c.localSimilarities(a, b)
	nr := min(na, nb)
	c.selectPairs(na, nb, nr)
	if len(c.sel) == 0 {
		return 0
	}
	c.relaxPairs(a, b)
	np := minNP + int(math.Round(sigmoid(float64(min(na, nb)), muP, tauP)*(maxNP-minNP)))
	ls := c.consolidate(np)
	al := c.alignScore(a, b)
	return math.Sqrt(al * ls)
}

// localSimilarities fills c.pairs with every pair of cylinders with a non-zero similarity,
// quantised to 1/255.
func (c *Comparator) localSimilarities(a, b *Prepared) {
	c.pairs = c.pairs[:0]
	nb := len(b.cidx)
	c.bdir = growU8(c.bdir, nb)
	for j, m := range b.cidx {
		c.bdir[j] = b.dir[m]
	}
	bdir, bfull, bpop := c.bdir[:nb], b.cfull[:nb], b.cpop[:nb]
	bcyl := b.cyl[:nb*cylStride]
	for i := range a.cidx {
		ca := (*[cylStride]uint64)(a.cyl[i*cylStride:])
		// bradDiff(da, db) ≤ maxDirDiff exactly when da−db+maxDirDiff wraps into 0…2·maxDirDiff
		da := a.dir[a.cidx[i]] + maxDirDiff
		fa, pa := a.cfull[i], int(a.cpop[i])
		for j, db := range bdir {
			if da-db > 2*maxDirDiff {
				continue
			}
			cb := (*[cylStride]uint64)(bcyl[j*cylStride:])
			if fb := bfull[j]; fa && fb {
				// both cylinders lie wholly on the finger: no masking, counts precomputed
				c.addPair(i, j, pa, int(bpop[j]), andCount(ca, cb))
				continue
			}
			// cells valid in both cylinders, counted on the spatial masks
			nm := 0
			for w := 2 * cylWords; w < cylStride; w++ {
				nm += bits.OnesCount64(ca[w] & cb[w])
			}
			if nm*mccND >= minMECells {
				c.maskedPair(i, j, ca, cb, fa, bfull[j], pa, int(bpop[j]))
			}
		}
	}
}

// andCount returns the number of value bits set in both cylinders.
func andCount(ca, cb *[cylStride]uint64) int {
	nab := 0
	for w := range cylWords {
		nab += bits.OnesCount64(ca[w] & cb[w])
	}
	return nab
}

// maskedPair adds the pair of cylinders i and j when one of them reaches off the finger
// (the caller checked they have enough valid cells in common): the similarity is then
// computed on the cells valid in both.
func (c *Comparator) maskedPair(i, j int, ca, cb *[cylStride]uint64, fa, fb bool, pa, pb int) {
	// value bits lie inside their own cylinder's valid cells, so masking each by
	// the other's validity restricts both to the common cells, and
	// |x⊕y| = |x| + |y| − 2|x∧y|. A cylinder wholly on the finger needs no mask.
	var na, nb, nab int
	switch {
	case fa:
		nb = pb
		for w := range cylWords {
			na += bits.OnesCount64(ca[w] & cb[cylWords+w])
			nab += bits.OnesCount64(ca[w] & cb[w])
		}
	case fb:
		na = pa
		for w := range cylWords {
			nb += bits.OnesCount64(cb[w] & ca[cylWords+w])
			nab += bits.OnesCount64(ca[w] & cb[w])
		}
	default:
		for w := range cylWords {
			x, y := ca[w], cb[w]
			na += bits.OnesCount64(x & cb[cylWords+w])
			nb += bits.OnesCount64(y & ca[cylWords+w])
			nab += bits.OnesCount64(x & y)
		}
	}
	c.addPair(i, j, na, nb, nab)
}

// addPair records the local similarity of cylinders i and j from the popcounts of their
// value bits on the common cells (na, nb) and of their intersection (nab):
// λ = 1 − √|a⊕b| / (√|a| + √|b|), with |a⊕b| = na + nb − 2·nab.
func (c *Comparator) addPair(i, j, na, nb, nab int) {
	if na+nb == 0 {
		return
	}
	sq := &tables.sqrt
	l := 1 - sq[na+nb-2*nab]/(sq[na]+sq[nb])
	if q := uint8(l*255 + 0.5); q > 0 {
		c.pairs = append(c.pairs, pair{int16(i), int16(j), q})
	}
}

// selectPairs keeps up to nr pairs by decreasing similarity, each cylinder used once
// (counting sort on the quantised similarity).
func (c *Comparator) selectPairs(na, nb, nr int) {
	var hist [256]int
	for _, p := range c.pairs {
		hist[p.q]++
	}
	pos := 0
	for q := 255; q >= 0; q-- {
		n := hist[q]
		hist[q] = pos
		pos += n
	}
	c.sorted = grow(c.sorted, len(c.pairs))
	for _, p := range c.pairs {
		c.sorted[hist[p.q]] = p
		hist[p.q]++
	}
	c.usedA, c.usedB = growBool(c.usedA, na), growBool(c.usedB, nb)
	c.sel = c.sel[:0]
	for _, p := range c.sorted {
		if c.usedA[p.a] || c.usedB[p.b] {
			continue
		}
		c.usedA[p.a], c.usedB[p.b] = true, true
		c.sel = append(c.sel, p)
		if len(c.sel) == nr {
			break
		}
	}
}

// relaxPairs runs the relaxation: each pair's similarity is reinforced by the pairs
// geometrically compatible with it and weakened otherwise.
func (c *Comparator) relaxPairs(a, b *Prepared) {
	n := len(c.sel)
	na, nb := len(a.cidx), len(b.cidx)
	c.rho = growF(c.rho, n*n)
	rt := relax
	for i, p := range c.sel {
		c.rho[i*n+i] = 0
		for k := i + 1; k < n; k++ {
			q := c.sel[k]
			ia, ib := int(p.a)*na+int(q.a), int(p.b)*nb+int(q.b)
			d1 := a.dist[ia] - b.dist[ib]
			if d1 < 0 {
				d1 = -d1
			}
			r := float32(0)
			if d := int(d1 * (1 / d1Step)); d < d1Len {
				r = rt.z1[d] * rt.z2[a.rel[ia]-b.rel[ib]] * rt.z3[a.rad[ia]-b.rad[ib]]
			}
			// ρ is symmetric up to the radial term, which is taken from the pair of lower index
			c.rho[i*n+k], c.rho[k*n+i] = r, r
		}
	}
	c.lam, c.lam0, c.nx = growF(c.lam, n), growF(c.lam0, n), growF(c.nx, n)
	for i, p := range c.sel {
		c.lam0[i] = float32(p.q) / 255
		c.lam[i] = c.lam0[i]
	}
	norm := float32(1)
	if n > 1 {
		norm = 1 / float32(n-1)
	}
	for range relaxIter {
		c.relaxStep(n, norm)
		c.lam, c.nx = c.nx, c.lam
	}
}

// relaxStep computes one relaxation iteration from c.lam into c.nx. Rows are summed four
// at a time: each row's sum keeps its own order (so results are exact), but the four
// independent chains of additions overlap in the processor.
func (c *Comparator) relaxStep(n int, norm float32) {
	lam, nx, rho := c.lam[:n], c.nx[:n], c.rho[:n*n]
	i := 0
	for ; i+4 <= n; i += 4 {
		r0, r1, r2, r3 := rho[i*n:][:n], rho[(i+1)*n:][:n], rho[(i+2)*n:][:n], rho[(i+3)*n:][:n]
		var s0, s1, s2, s3 float32
		for k, l := range lam {
			s0 += r0[k] * l
			s1 += r1[k] * l
			s2 += r2[k] * l
			s3 += r3[k] * l
		}
		nx[i] = relaxW*lam[i] + (1-relaxW)*s0*norm
		nx[i+1] = relaxW*lam[i+1] + (1-relaxW)*s1*norm
		nx[i+2] = relaxW*lam[i+2] + (1-relaxW)*s2*norm
		nx[i+3] = relaxW*lam[i+3] + (1-relaxW)*s3*norm
	}
	for ; i < n; i++ {
		var s float32
		for k, r := range rho[i*n:][:n] {
			s += r * lam[k]
		}
		nx[i] = relaxW*lam[i] + (1-relaxW)*s*norm
	}
}

// consolidate averages the final similarity of the np pairs whose similarity the
// relaxation preserved best (highest efficiency λ/λ0).
func (c *Comparator) consolidate(np int) float64 {
	n := len(c.sel)
	eff := c.nx[:n] // scratch: no longer needed
	for i := range n {
		eff[i] = c.lam[i] / c.lam0[i]
	}
	np = min(np, n)
	var sum float64
	c.refs = c.refs[:0]
	for range max(np, alignRefs) {
		best := 0
		for i := 1; i < n; i++ {
			if eff[i] > eff[best] {
				best = i
			}
		}
		if eff[best] < 0 {
			break
		}
		if len(c.refs) < np {
			sum += float64(c.lam[best])
		}
		c.refs = append(c.refs, best)
		eff[best] = -1
	}
	return sum / float64(max(np, minNP))
}

func grow(s []pair, n int) []pair {
	if cap(s) < n {
		return make([]pair, n)
	}
	return s[:n]
}

func growF(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func growU8(s []uint8, n int) []uint8 {
	if cap(s) < n {
		return make([]uint8, n)
	}
	return s[:n]
}

func growBool(s []bool, n int) []bool {
	if cap(s) < n {
		s = make([]bool, n)
	}
	s = s[:n]
	clear(s)
	return s
}
