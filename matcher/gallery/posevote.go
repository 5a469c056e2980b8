package gallery

import (
	"math"

	"github.com/enrolld/enrolld/matcher"
)

// Pose voting is the middle stage of every search, between the code scan and the precise
// comparison. The stage-1 code is a bag of minutia-pair features: it knows which pair
// shapes a finger has, not whether they sit in one consistent placement, and real
// impressions of one finger share too few of them for a bag to single out the mate among a
// hundred thousand persons with one or two fingers (FVC2002 set B: a 1 % code FMR misses
// 68 % of the mates). Pose voting restores
// the geometry at a fraction of the cost of the precise comparison: every pair of the
// candidate's finger (unordered, distance in [poseMinDist, poseMaxDist]) is looked up among
// the probe's ordered pairs of similar shape (distance within poseDistTol, both minutia
// directions relative to the segment within poseAngTol); each match implies a rotation and
// a translation of the candidate onto the probe, quantised into a pose cell, and the score
// is the number of votes of the most voted cell: how many pairs agree on one placement. On
// FVC2002 set B it misses 14–18 % of the mates at 1 % FMR (the codes 68 %), at about 15 µs
// per finger instead of 0.5 ms for preparing and comparing precisely.

// Pose voting parameters (500 dpi pixels, binary radians of 256 per turn).
const (
	poseMinDist  = 15.0
	poseMaxDist  = 150.0
	poseDistTol  = 5.0
	poseAngTol   = 10
	poseAngCell  = 16 // bucket width of the probe table's direction axes
	poseRotCells = 21 // rotation cells per turn (about 17°)
	poseShift    = 12.0
)

// poseTable dimensions: distance, first and second relative direction.
const (
	poseDistCells = int((poseMaxDist-poseMinDist)/poseDistTol) + 1
	poseAngCells  = 256 / poseAngCell
	poseBuckets   = poseDistCells * poseAngCells * poseAngCells
)

// posePair is an ordered minutia pair: segment length, the directions of both minutiae
// relative to the segment, the segment's direction and midpoint.
type posePair struct {
	d      float32
	a, b   uint8
	phi    uint8
	mx, my float32
}

// poseProbe is a probe finger's pairs bucketed for lookup: each pair is filed in every
// bucket a matching candidate pair could fall into, so a lookup reads one bucket.
type poseProbe struct {
	start []int32  // bucket b lists entries[start[b]:start[b+1]]
	index []uint16 // indices into pairs, bucket by bucket (small, to stay in cache)
	pairs []posePair
}

// cosSin[k] is (cos, sin) of k binary radians.
var cosSin = func() (t [256][2]float32) {
	for k := range t {
		s, c := math.Sincos(float64(k) * math.Pi / 128)
		t[k] = [2]float32{float32(c), float32(s)}
	}
	return t
}()

// orderedPair returns the pair i→j and whether its length is in range.
func orderedPair(pi, pj pt) (posePair, bool) {
	dx, dy := pj.x-pi.x, pj.y-pi.y
	d2 := dx*dx + dy*dy
	if d2 < poseMinDist*poseMinDist || d2 > poseMaxDist*poseMaxDist {
		return posePair{}, false
	}
	phi := angle256(dx, dy)
	return posePair{d: float32(math.Sqrt(float64(d2))), a: pi.dir - phi, b: pj.dir - phi, phi: phi,
		mx: (pi.x + pj.x) / 2, my: (pi.y + pj.y) / 2}, true
}

// angle256 is atan2(dy, dx) in binary radians, to about a quarter of a unit: an octant
// reduction and the approximation atan z ≈ z·(π/4 + 0.273·(1 − z)) on [0, 1] (error below
// 0.005 rad).
func angle256(dx, dy float32) uint8 {
	ax, ay := dx, dy
	if ax < 0 {
		ax = -ax
	}
	if ay < 0 {
		ay = -ay
	}
	var a float32 // in binary radians, first octant pair
	if ax >= ay {
		if ax == 0 {
			return 0
		}
		z := ay / ax
		a = z * (32 + 11.12*(1-z))
	} else {
		z := ax / ay
		a = 64 - z*(32+11.12*(1-z))
	}
	if dx < 0 {
		a = 128 - a
	}
	if dy < 0 {
		a = -a
	}
	return uint8(int32(a+256.5) & 255)
}

// bucketOf returns the lookup bucket of a pair.
func bucketOf(d float32, a, b uint8) int {
	dc := int((d - poseMinDist) / poseDistTol)
	return (dc*poseAngCells+int(a)/poseAngCell)*poseAngCells + int(b)/poseAngCell
}

// newPoseProbe files the probe's ordered pairs (a counting sort into the buckets).
func newPoseProbe(p matcher.Packed) *poseProbe {
	ps := minutiaePoints(p)
	var pairs []posePair
	for i := range ps {
		for j := range ps {
			if i != j {
				if pp, ok := orderedPair(ps[i], ps[j]); ok {
					pairs = append(pairs, pp)
				}
			}
		}
	}
	pairs = pairs[:min(len(pairs), 1<<16)]
	pp := &poseProbe{start: make([]int32, poseBuckets+1), pairs: pairs}
	visit := func(q posePair, f func(int)) {
		d0 := max(0, int((q.d-poseDistTol-poseMinDist)/poseDistTol))
		d1 := min(poseDistCells-1, int((q.d+poseDistTol-poseMinDist)/poseDistTol))
		a0, b0 := floorDiv(int(q.a)-poseAngTol, poseAngCell), floorDiv(int(q.b)-poseAngTol, poseAngCell)
		a1, b1 := floorDiv(int(q.a)+poseAngTol, poseAngCell), floorDiv(int(q.b)+poseAngTol, poseAngCell)
		for dc := d0; dc <= d1; dc++ {
			for ac := a0; ac <= a1; ac++ {
				row := (dc*poseAngCells + ac&(poseAngCells-1)) * poseAngCells
				for bc := b0; bc <= b1; bc++ {
					f(row + bc&(poseAngCells-1))
				}
			}
		}
	}
	count := make([]int32, poseBuckets)
	for _, q := range pairs {
		visit(q, func(b int) { count[b]++ })
	}
	for b := range poseBuckets {
		pp.start[b+1] = pp.start[b] + count[b]
	}
	pp.index = make([]uint16, pp.start[poseBuckets])
	fill := append([]int32(nil), pp.start[:poseBuckets]...)
	for i, q := range pairs {
		visit(q, func(b int) { pp.index[fill[b]] = uint16(i); fill[b]++ })
	}
	return pp
}

// floorDiv is ⌊a/b⌋ for b > 0.
func floorDiv(a, b int) int {
	if a < 0 {
		return -((-a + b - 1) / b)
	}
	return a / b
}

// poseScore returns the votes of the most voted pose cell for a candidate finger; votes
// is scratch space, returned for reuse.
func (pp *poseProbe) poseScore(g matcher.Packed, scratch []pt, votes *poseVotes) (int, []pt) {
	ps := appendPoints(scratch[:0], g)
	votes.reset()
	best := 0
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			q, ok := orderedPair(ps[i], ps[j])
			if !ok {
				continue
			}
			b := bucketOf(q.d, q.a, q.b)
			for _, pi := range pp.index[pp.start[b]:pp.start[b+1]] {
				p := &pp.pairs[pi]
				if p.d-q.d > poseDistTol || q.d-p.d > poseDistTol ||
					absInt8(p.a-q.a) > poseAngTol || absInt8(p.b-q.b) > poseAngTol {
					continue
				}
				rot := p.phi - q.phi
				cs := cosSin[rot]
				tx := p.mx - (q.mx*cs[0] - q.my*cs[1])
				ty := p.my - (q.mx*cs[1] + q.my*cs[0])
				key := uint32(int(rot)*poseRotCells/256+1)<<16 |
					uint32(int32(tx/poseShift+1024)&255)<<8 | uint32(int32(ty/poseShift+1024)&255)
				best = max(best, votes.add(key))
			}
		}
	}
	return best, ps
}

// poseVotes counts votes per pose cell: an open-addressing table of cell keys (0 empty)
// cleared per comparison.
type poseVotes struct {
	keys [poseVoteSlots]uint32
	n    [poseVoteSlots]uint16
	used int
}

// poseVoteSlots is the table size. A comparison casting votes for more distinct cells than
// three quarters of it (templates of a hundred minutiae and more) drops votes for new
// cells, and a lookup gives up after poseVoteProbes slots, so the cost of a vote stays
// bounded; both can only lower a score.
const (
	poseVoteSlots  = 2048
	poseVoteProbes = 32
)

func (v *poseVotes) reset() {
	if v.used > 0 {
		clear(v.keys[:])
		v.used = 0
	}
}

// add casts a vote for key and returns the cell's count.
func (v *poseVotes) add(key uint32) int {
	h := (key * 0x9E3779B1) >> (32 - 11)
	for range poseVoteProbes {
		switch v.keys[h] {
		case key:
			if v.n[h] < 1<<16-1 {
				v.n[h]++
			}
			return int(v.n[h])
		case 0:
			if v.used < poseVoteSlots*3/4 {
				v.keys[h], v.n[h] = key, 1
				v.used++
				return 1
			}
		}
		h = (h + 1) & (poseVoteSlots - 1)
	}
	return 0
}

// absInt8 is the magnitude of a wrapped difference of binary radians.
func absInt8(d uint8) int {
	v := int(int8(d))
	if v < 0 {
		return -v
	}
	return v
}
