package gallery

import (
	"container/heap"
	"context"
	"math"
	"math/bits"
	"runtime"
	"sort"

	"github.com/enrolld/enrolld/matcher"
)

// stage1 scans the codes of every live person and returns the k best by fused code score.
func stage1(ctx context.Context, views []*shardView, fingers []probeFinger, k int) ([]slotRef, error) {
	heaps := make([]topK, runtime.GOMAXPROCS(0))
	for i := range heaps {
		heaps[i].k = k
	}
	err := parallel(ctx, len(views), func(w, si int) {
		scanShard(views[si], int32(si), fingers, &heaps[w])
	})
	if err != nil {
		return nil, err
	}
	all := topK{k: k}
	for _, h := range heaps {
		for _, r := range h.items {
			all.offer(r)
		}
	}
	return all.items, nil
}

// scanShard scores every live slot of one view into h.
func scanShard(v *shardView, si int32, fingers []probeFinger, h *topK) {
	var sc scanner
	if sc.init(fingers) {
		sc.scanKnown(v, si, h)
		return
	}
	scanGeneric(v, si, fingers, h)
}

// scanGeneric is scanShard for any probe, including fingers of unknown position.
func scanGeneric(v *shardView, si int32, fingers []probeFinger, h *topK) {
	const stride = Fingers * CodeWords
	for slot := range v.n {
		if v.dead[slot/64]>>(slot%64)&1 != 0 {
			continue
		}
		codes := v.codes[slot*stride : slot*stride+stride]
		ones := v.ones[slot*Fingers : slot*Fingers+Fingers]
		var s float32
		for i := range fingers {
			p := &fingers[i]
			if p.pos != 0 {
				f := int(p.pos) - 1
				if ones[f] != 0 {
					s += codeScore(commonBits(&p.code, codes[f*CodeWords:]), p.ones, int(ones[f]))
				}
				continue
			}
			best := float32(math.Inf(-1))
			for f := range Fingers {
				if ones[f] != 0 {
					best = max(best, codeScore(commonBits(&p.code, codes[f*CodeWords:]), p.ones, int(ones[f])))
				}
			}
			if best > float32(math.Inf(-1)) {
				s += best
			}
		}
		if len(h.items) < h.k || s > h.items[0].score {
			h.offer(slotRef{shard: si, slot: int32(slot), score: s})
		}
	}
}

// scanner is the fast path of the scan for probes whose fingers all have known positions:
// per probe finger, its code, density terms and the word offset of the gallery finger.
type scanner struct {
	n     int
	code  [Fingers]Code
	off   [Fingers]int
	fidx  [Fingers]int
	pOnes [Fingers]int
	pInv  [Fingers]float32
}

// init fills the scanner; it reports false if a finger has an unknown position or fingers
// repeat beyond ten.
func (sc *scanner) init(fingers []probeFinger) bool {
	if len(fingers) > Fingers {
		return false
	}
	for i, p := range fingers {
		if p.pos == 0 {
			return false
		}
		sc.code[i] = p.code
		sc.fidx[i] = int(p.pos) - 1
		sc.off[i] = sc.fidx[i] * CodeWords
		sc.pOnes[i] = p.ones
		sc.pInv[i] = zNorm[p.ones]
	}
	sc.n = len(fingers)
	return true
}

// scanKnown is scanShard's loop for known positions.
func (sc *scanner) scanKnown(v *shardView, si int32, h *topK) {
	const stride = Fingers * CodeWords
	codes, ones, dead := v.codes, v.ones, v.dead
	for slot := range v.n {
		if dead[slot>>6]>>(slot&63)&1 != 0 {
			continue
		}
		base := slot * stride
		o := ones[slot*Fingers : slot*Fingers+Fingers]
		var s float32
		for i := 0; i < sc.n; i++ {
			gOnes := int(o[sc.fidx[i]])
			if gOnes == 0 {
				continue
			}
			g := codes[base+sc.off[i] : base+sc.off[i]+CodeWords : base+sc.off[i]+CodeWords]
			p := &sc.code[i]
			n := bits.OnesCount64(p[0]&g[0]) + bits.OnesCount64(p[1]&g[1]) +
				bits.OnesCount64(p[2]&g[2]) + bits.OnesCount64(p[3]&g[3]) +
				bits.OnesCount64(p[4]&g[4]) + bits.OnesCount64(p[5]&g[5]) +
				bits.OnesCount64(p[6]&g[6]) + bits.OnesCount64(p[7]&g[7])
			s += float32(n*CodeBits-sc.pOnes[i]*gOnes) * sc.pInv[i] * zNorm[gOnes]
		}
		if len(h.items) < h.k || s > h.items[0].score {
			h.offer(slotRef{shard: si, slot: int32(slot), score: s})
		}
	}
}

// stage2 compares the candidates precisely and fuses their finger scores in two passes:
// probe fingers are ordered by the richness of their codes; pass 1 compares every candidate
// on the first three, pass 2 the best refine on all (with refine ≥ K, or three fingers or
// fewer, one pass compares all on all). One finger alone was too weak a first gate: at a
// million synthetic persons a mate whose richest finger scored poorly was cut before its
// other nine were compared. A candidate keeps the finger scores of the last pass it
// reached; its fused score counts only those, so later passes can only confirm a person.
func stage2(ctx context.Context, fmr func(float64) float64, views []*shardView, fingers []probeFinger, cands []slotRef, persons, refine int) ([]Candidate, error) {
	cmps := make([]matcher.Comparator, runtime.GOMAXPROCS(0))
	ordered := append([]probeFinger(nil), fingers...)
	sort.SliceStable(ordered, func(a, b int) bool { return ordered[a].ones > ordered[b].ones })
	out := make([]Candidate, len(cands))
	cache := make([]fingerResult, len(cands)*len(fingers))
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cands[order[a]].score > cands[order[b]].score })
	type pass struct{ fingers, keep int }
	passes := []pass{{3, len(cands)}, {len(fingers), refine}}
	if refine >= len(cands) {
		passes = []pass{{len(fingers), len(cands)}} // every candidate on every finger
	}
	done := 0
	for pi, ps := range passes {
		nf := min(ps.fingers, len(fingers))
		if nf <= done && pi > 0 {
			continue
		}
		if pi+1 < len(passes) && nf < len(fingers) && ps.keep <= passes[pi+1].keep {
			continue // the next pass would compare these candidates on more fingers anyway
		}
		if pi > 0 {
			sort.SliceStable(order, func(a, b int) bool { return out[order[a]].Score > out[order[b]].Score })
		}
		sel := order[:min(ps.keep, len(order))]
		if pi == 0 {
			sel = order
		}
		use := ordered[:nf]
		// the pass's probe fingers are prepared first, on all cores (lazily, inside the
		// comparisons, one worker would prepare while the others waited for it)
		if err := parallel(ctx, nf, func(_, i int) { use[i].prepared() }); err != nil {
			return nil, err
		}
		err := parallel(ctx, len(sel), func(w, i int) {
			c := cands[sel[i]]
			row := cache[sel[i]*len(fingers):][:nf]
			out[sel[i]] = compareCandidate(&cmps[w], fmr, views[c.shard], int(c.slot), use, row, persons)
		})
		if err != nil {
			return nil, err
		}
		done = nf
	}
	kept := out[:0]
	for _, c := range out {
		if c.SubjectID != "" { // candidates no pass reached
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// fingerResult caches one probe finger's comparison with one candidate across passes.
type fingerResult struct {
	done bool
	fs   FingerScore
	fmr  float64
}

// compareCandidate scores one person against the probe fingers, reusing the results of
// earlier passes in row (one entry per probe finger, in the order of fingers).
func compareCandidate(c *matcher.Comparator, fmrOf func(float64) float64, v *shardView, slot int, fingers []probeFinger, row []fingerResult, persons int) Candidate {
	cand := Candidate{SubjectID: v.ids[slot], Fingers: make([]FingerScore, len(fingers))}
	var prep [Fingers]*matcher.Prepared
	get := func(f int) *matcher.Prepared {
		if prep[f] == nil {
			if pk := v.template(slot, f); pk != nil {
				prep[f], _ = matcher.PreparePacked(pk) // validated on Put and snapshot load
			}
		}
		return prep[f]
	}
	fmrs := make([]float64, len(fingers))
	for i, p := range fingers {
		if !row[i].done {
			row[i] = compareFinger(c, fmrOf, p, get)
		}
		cand.Fingers[i], fmrs[i] = row[i].fs, row[i].fmr
	}
	fmr := FusedFMR(fmrs)
	cand.Score = -10 * math.Log10(max(fmr, 1e-300))
	cand.FPIR = min(1, fmr*float64(persons))
	return cand
}

// compareFinger compares one probe finger with the person's finger of the same position,
// or with all of them (best score, FMR times the number compared) for an unknown position.
func compareFinger(c *matcher.Comparator, fmrOf func(float64) float64, p probeFinger, get func(int) *matcher.Prepared) fingerResult {
	fs := FingerScore{Probe: p.pos}
	tries := 1
	if p.pos != 0 {
		if gp := get(int(p.pos) - 1); gp != nil {
			fs.Gallery, fs.Score = p.pos, c.Compare(p.prepared(), gp)
		}
	} else {
		tries = 0
		for f := range Fingers {
			if gp := get(f); gp != nil {
				tries++
				if s := c.Compare(p.prepared(), gp); s > fs.Score || fs.Gallery == 0 {
					fs.Gallery, fs.Score = uint8(f+1), s
				}
			}
		}
	}
	return fingerResult{done: true, fs: fs, fmr: min(1, fmrOf(fs.Score)*float64(max(tries, 1)))}
}

// FusedFMR combines the false-match rates of a probe's fingers into the false-match rate of
// the person: the probability that independent impostor fingers give a product of rates at
// most the observed product x = Π fmrᵢ. For k fingers that is x·Σ_{j<k} (−ln x)ʲ/j! (the
// distribution of a product of k uniform variables), so adding fingers that score at chance
// level does not make a person look more similar.
func FusedFMR(fmrs []float64) float64 {
	if len(fmrs) == 0 {
		return 1
	}
	lx := 0.0
	for _, f := range fmrs {
		lx += math.Log(max(f, 1e-300))
	}
	if lx >= 0 {
		return 1
	}
	sum, term := 0.0, 1.0
	for j := range len(fmrs) {
		if j > 0 {
			term *= -lx / float64(j)
		}
		sum += term
	}
	return min(1, math.Exp(lx)*sum)
}

// topK keeps the k best slots in a min-heap on score.
type topK struct {
	k     int
	items []slotRef
}

func (h *topK) Len() int           { return len(h.items) }
func (h *topK) Less(a, b int) bool { return h.items[a].score < h.items[b].score }
func (h *topK) Swap(a, b int)      { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *topK) Push(x any)         { h.items = append(h.items, x.(slotRef)) }
func (h *topK) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// offer adds r if it is among the k best so far.
func (h *topK) offer(r slotRef) {
	if len(h.items) < h.k {
		heap.Push(h, r)
		return
	}
	if r.score > h.items[0].score {
		h.items[0] = r
		heap.Fix(h, 0)
	}
}
