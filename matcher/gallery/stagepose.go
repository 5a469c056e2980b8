package gallery

import (
	"context"
	"runtime"
	"sort"
)

// fewFingers reports whether a probe of n fingers is weak evidence (one or two fingers):
// a large screen (with each finger's own best, see screenCandidates), K = 100 and every
// candidate compared on every finger.
func fewFingers(n int) bool { return n <= 2 }

// poseFingers is the number of probe fingers (those with the richest codes) pose voting
// uses for probes of more fingers.
const poseFingers = 3

// screenSize is the number of persons stage 1 keeps for pose voting, unless set. For one or
// two fingers, a twentieth of the gallery, at least 2 000 and at most 20 000 (the real
// two-finger mates of FVC2002 set B rank within the first 7 % of 100 000 synthetic
// persons by code, within 2 % but for one whose other finger failed). For more fingers a
// two-thousandth, at least 60 and at most 3 000 (a synthetic ten-finger mate at a million
// persons ranked 283rd by code; pose voting costs about 15 µs per finger and candidate,
// and the 100 000-person search must stay within 30 ms).
func screenSize(set, persons, fingers int) int {
	switch {
	case set > 0:
		return set
	case fewFingers(fingers):
		return max(2000, min(20000, persons/20))
	}
	return max(60, min(3000, persons/2000))
}

// richest returns the n probe fingers with the most set code bits.
func richest(fingers []probeFinger, n int) []probeFinger {
	out := append([]probeFinger(nil), fingers...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].ones > out[b].ones })
	return out[:min(n, len(out))]
}

// screenCandidates is stage 1 of a search: the n best persons by fused code score and, for
// a probe of two fingers, the n/4 best by each finger's code alone, so
// that a person whose other finger failed (a poor impression, a scar) is still screened.
// On FVC2002 set B, a two-finger mate ranked 6 676th by fused code among 100 000 synthetic
// persons had one finger ranked in the first fifty and the other beyond the 40 000th.
func screenCandidates(ctx context.Context, views []*shardView, fingers []probeFinger, n int) ([]slotRef, error) {
	cands, err := stage1(ctx, views, fingers, n)
	if err != nil || len(fingers) != 2 {
		return cands, err
	}
	type key struct{ shard, slot int32 }
	seen := make(map[key]bool, len(cands)*3/2)
	for _, c := range cands {
		seen[key{c.shard, c.slot}] = true
	}
	for i := range fingers {
		one, err := stage1(ctx, views, fingers[i:i+1], max(1, n/4))
		if err != nil {
			return nil, err
		}
		for _, c := range one {
			if k := (key{c.shard, c.slot}); !seen[k] {
				seen[k] = true
				cands = append(cands, c)
			}
		}
	}
	return cands, nil
}

// poseStage scores every candidate by pose voting (the sum over probe fingers of the
// votes of the best pose, the best of the person's fingers for an unknown position) and
// returns the k best, their score replaced by the pose score.
func poseStage(ctx context.Context, views []*shardView, fingers []probeFinger, cands []slotRef, k int) ([]slotRef, error) {
	probes := make([]*poseProbe, len(fingers))
	err := parallel(ctx, len(fingers), func(_, i int) { probes[i] = newPoseProbe(fingers[i].pk) })
	if err != nil {
		return nil, err
	}
	type scratch struct {
		pts   []pt
		votes *poseVotes
	}
	work := make([]scratch, runtime.GOMAXPROCS(0))
	for i := range work {
		work[i].votes = new(poseVotes)
	}
	scored := make([]slotRef, len(cands))
	// small chunks so that every core gets work even for the 60-person screen of a
	// ten-finger search (a chunk is still some 24 pose scores, far above the hand-out cost)
	const chunk = 8
	err = parallel(ctx, (len(cands)+chunk-1)/chunk, func(w, c int) {
		sc := &work[w]
		for i := c * chunk; i < min(len(cands), (c+1)*chunk); i++ {
			r := cands[i]
			v := views[r.shard]
			total := 0
			for fi, p := range fingers {
				best := 0
				for f := range Fingers {
					if p.pos != 0 && f != int(p.pos)-1 {
						continue
					}
					if g := v.template(int(r.slot), f); g != nil {
						var s int
						s, sc.pts = probes[fi].poseScore(g, sc.pts, sc.votes)
						best = max(best, s)
					}
				}
				total += best
			}
			scored[i] = slotRef{shard: r.shard, slot: r.slot, score: float32(total) + r.score*1e-6}
		}
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(scored, func(a, b int) bool { return scored[a].score > scored[b].score })
	return scored[:min(k, len(scored))], nil
}
