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
	z1     [d1Len + 1]float32 // distance difference; the last entry (0) stands for all beyond
	z2, z3 [256]float32       // direction and radial-angle differences (a−b, binary radians)
}

var relax = newRelaxTables()

func newRelaxTables() *relaxTables {
	t := &relaxTables{}
	for i := range d1Len {
		t.z1[i] = float32(sigmoid(float64(i)*d1Step, 5, -1.6))
	}
	t.z1[d1Len] = 0
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
	usedB         []uint8
	selA, selB    []uint8
	cand          []int16
	candF, candP  []int16
	cnt           []cylCounts
	sel           []pair
	lam, lam0, nx []float32
	rho           []float32
	refs          []int
	bdir          []uint8
	tx, ty, tol   []float32 // a's minutiae under the alignment being tried
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
//
// Value bits lie inside their own cylinder's valid cells, so masking each by the other's
// validity restricts both to the common cells, and |x⊕y| = |x| + |y| − 2|x∧y|. Only the
// words that can contribute are visited: x∧y and x's bits on y's invalid cells on the
// non-zero words of x (the latter not at all when y lies wholly on the finger), y's bits
// on x's invalid cells on the few validity words of x that are not all ones. Each row x
// is gathered once and counted against all its candidates y in one call; the loops run
// the same number of times for the whole row, so the processor predicts them.
//
// Tried and not kept (FVC2002, eval compare): capping the cylinders per template at the
// 48 deepest in the hull (DB3 EER 2.22 → 2.50 %), at 56 (neutral, only ≈ 4 % faster on
// DB2), narrowing maxDirDiff to 52 or 43 (DB3 EER 2.50 %, DB1 FNMR@0.1 % worse), at most
// 32 pairs into the relaxation (DB2 FNMR@0.1 % 2.50 → 3.21 %), 5 or 6 alignment
// references instead of 8 (DB2 EER 1.07 → 1.36 / 1.41 %).
func (c *Comparator) localSimilarities(a, b *Prepared) {
	nb := len(b.cidx)
	c.bdir = growU8(c.bdir, nb)
	for j, m := range b.cidx {
		c.bdir[j] = b.dir[m]
	}
	bdir, bspat, bpop := c.bdir[:nb], b.cspat[:nb], b.cpop[:nb]
	bcyl := b.cyl[:nb*cylStride]
	pairs := c.pairs[:0]
	sq := &tables.sqrt
	c.cand = growI16(c.cand, nb)
	cand := c.cand[:nb]
	if cap(c.cnt) < nb {
		c.cnt = make([]cylCounts, nb)
	}
	c.candF, c.candP = growI16(c.candF, nb), growI16(c.candP, nb)
	candF, candP, cnt := c.candF[:nb], c.candP[:nb], c.cnt[:nb]
	bfull := b.cfull[:nb]
	var rc rowCylinder
	for i := range a.cidx {
		ca := (*[cylStride]uint64)(a.cyl[i*cylStride:])
		rc.gather(ca, a.cmask[i])
		// bradDiff(da, db) ≤ maxDirDiff exactly when da−db+maxDirDiff wraps into 0…2·maxDirDiff
		da := a.dir[a.cidx[i]] + maxDirDiff
		sa, pa := int(a.cspat[i]), int(a.cpop[i])
		// the cylinders of b with a compatible direction, listed without branching
		// (about half of them are, in no predictable pattern)
		nc := 0
		for j, db := range bdir {
			cand[nc] = int16(j)
			nc += int(uint(int(da-db)-(2*maxDirDiff+1)) >> (bits.UintSize - 1))
		}
		// cylinders sharing too few valid cells are dropped first (the bound on the
		// common cells settles most; the spatial masks the rest); the others are listed
		// in order, and again by whether they lie wholly on the finger
		nk, nf, np := 0, 0, 0
		for _, j := range cand[:nc] {
			cand[nk] = j
			nk++
			if lb := sa + int(bspat[j]) - discCells; lb*mccND < minMECells {
				cb := (*[cylStride]uint64)(bcyl[int(j)*cylStride:])
				nm := 0
				for w := 2 * cylWords; w < cylStride; w++ {
					nm += bits.OnesCount64(ca[w] & cb[w])
				}
				if nm*mccND < minMECells {
					nk--
					continue
				}
			}
			f := int(bfull[j])
			candF[nf], candP[np] = j, j
			nf += f
			np += 1 - f
		}
		rc.countsRow(bcyl, candF[:nf], cnt, true)
		rc.countsRow(bcyl, candP[:np], cnt, false)
		for _, j := range cand[:nk] {
			// λ = 1 − √|a⊕b| / (√|a| + √|b|) on the common cells, |a⊕b| = na + nb − 2·nab
			na, nb, nab := pa-int(cnt[j].oa), int(bpop[j])-int(cnt[j].ob), int(cnt[j].nab)
			if na+nb == 0 {
				continue
			}
			l := 1 - sq[na+nb-2*nab]/(sq[na]+sq[nb])
			if q := uint8(l*255 + 0.5); q > 0 {
				pairs = append(pairs, pair{int16(i), j, q})
			}
		}
	}
	c.pairs = pairs
}

// rowCylinder is a cylinder of the first template gathered once for its comparisons with
// every cylinder of the second: its non-zero value words and its inverted partial
// validity words, with their word indices. Loops over them run the same number of times
// for the whole row, which the processor learns to predict, unlike loops over the words
// shared with each cylinder of the other template.
type rowCylinder struct {
	ca         *[cylStride]uint64
	m          cylMasks
	nnz, npart int
	nzv, invm  [cylWords]uint64
	nzw, partw [cylWords]uint8
}

func (r *rowCylinder) gather(ca *[cylStride]uint64, m cylMasks) {
	r.ca, r.m, r.nnz, r.npart = ca, m, 0, 0
	for w := range cylWords {
		if m.nz&(1<<w) != 0 {
			r.nzv[r.nnz], r.nzw[r.nnz] = ca[w], uint8(w)
			r.nnz++
		}
		if m.part&(1<<w) != 0 {
			r.invm[r.npart], r.partw[r.npart] = ^ca[cylWords+w], uint8(w)
			r.npart++
		}
	}
}

// cylCounts holds the counts of one cylinder pair (see counts).
type cylCounts struct{ oa, ob, nab int32 }

// countsRowGo is countsRow in Go.
func (r *rowCylinder) countsRowGo(bcyl []uint64, cand []int16, out []cylCounts) {
	for _, j := range cand {
		cb := (*[cylStride]uint64)(bcyl[int(j)*cylStride:])
		oa, ob, nab := r.countsGo(cb)
		out[j] = cylCounts{int32(oa), int32(ob), int32(nab)}
	}
}

// countsGo returns, for the row cylinder a and cylinder cb, the value bits of a on cells
// invalid in b (oa), those of b on cells invalid in a (ob), and the value bits set in both
// (nab). Only words that can contribute are visited: oa on all the row's non-zero words
// (cb's validity words that are all ones add nothing), so both loops run as often for
// every cylinder of the row.
func (r *rowCylinder) countsGo(cb *[cylStride]uint64) (oa, ob, nab int) {
	for k, w := range r.nzw[:r.nnz] {
		v := r.nzv[k]
		nab += bits.OnesCount64(v & cb[w&31])
		oa += bits.OnesCount64(v &^ cb[cylWords+w&31])
	}
	for k, w := range r.partw[:r.npart] {
		ob += bits.OnesCount64(cb[w&31] & r.invm[k])
	}
	return oa, ob, nab
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
	// greedy selection without data-dependent branches (whether a pair's cylinders are
	// still free follows no pattern the processor could predict)
	usedA, usedB := growU8Zero(c.selA, na), growU8Zero(c.selB, nb)
	c.selA, c.selB = usedA, usedB
	c.sel = grow(c.sel, nr)
	sel, ns := c.sel, 0
	for _, p := range c.sorted {
		sel[ns] = p
		free := 1 ^ (usedA[p.a] | usedB[p.b])
		usedA[p.a] |= free
		usedB[p.b] |= free
		ns += int(free)
		if ns == nr {
			break
		}
	}
	c.sel = sel[:ns]
}

// relaxPairs runs the relaxation: each pair's similarity is reinforced by the pairs
// geometrically compatible with it and weakened otherwise.
func (c *Comparator) relaxPairs(a, b *Prepared) {
	n := len(c.sel)
	na, nb := len(a.cidx), len(b.cidx)
	c.rho = growF(c.rho, n*n)
	rt, sel, rho := relax, c.sel[:n], c.rho[:n*n]
	for i, p := range sel {
		oa, ob := int(p.a)*na, int(p.b)*nb
		geoA, geoB := a.geo[oa:oa+na], b.geo[ob:ob+nb]
		row := rho[i*n : i*n+n]
		row[i] = 0
		for k := i + 1; k < n; k++ {
			q := sel[k]
			ga, gb := geoA[q.a], geoB[q.b]
			// branch-free: |d1| by clearing the sign bit, distances beyond the table
			// read its final 0 (so ρ = 0·z2·z3 = 0)
			d1 := math.Float32frombits(math.Float32bits(ga.dist-gb.dist) &^ (1 << 31))
			d := int(d1 * (1 / d1Step))
			d ^= (d ^ d1Len) & ((d1Len - d) >> (bits.UintSize - 1)) // min(d, d1Len), no branch
			// float32 products are the exact products rounded once (as the float64
			// products rounded to float32 that the tables were fitted with)
			r := rt.z1[d] * rt.z2[ga.rel-gb.rel] * rt.z3[ga.rad-gb.rad]
			// ρ is symmetric up to the radial term, which is taken from the pair of lower index
			row[k], rho[k*n+i] = r, r
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

func growI16(s []int16, n int) []int16 {
	if cap(s) < n {
		return make([]int16, n)
	}
	return s[:n]
}

func growU8Zero(s []uint8, n int) []uint8 {
	s = growU8(s, n)
	clear(s)
	return s
}
