package gallery

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enrolld/enrolld/matcher"
)

// SearchOptions tune one search. The zero value uses the defaults.
type SearchOptions struct {
	// Candidates is K, the number of persons passed to the precise comparison (0: 6 for
	// probes of three or more fingers, whose fused stage-1 score is strong, 100 for one or
	// two).
	Candidates int
	// Screen is the number of persons stage 1 keeps for pose voting, which picks the K of
	// the precise comparison among them (0: see screenSize; for one or two fingers a
	// twentieth of the gallery, for more a thousandth, within bounds).
	Screen int
	// Refine is the number of persons compared on all probe fingers in the last pass of
	// stage 2 (0: 2); see stage2 for the passes. Candidates ranked below carry the finger
	// scores of the last pass they reached.
	Refine int
	// Results is the length of the returned candidate list (0: 10).
	Results int
	// TargetFPIR is the false-positive identification rate the hit threshold is set for
	// (0: 0.01). See Candidate.FPIR.
	TargetFPIR float64
	// Exhaustive skips stage 1 and compares every person precisely (brute force; for
	// evaluation and as the reference of the speed-up).
	Exhaustive bool
}

// FingerScore is the comparison of one probe finger with the candidate.
type FingerScore struct {
	// Probe is the probe finger's position (0 unknown); Gallery the position it was
	// compared with (for an unknown probe position, the best-scoring of the person's fingers).
	Probe, Gallery uint8
	// Score is the raw similarity of matcher.Comparator.Compare (0 if the person has no
	// finger at that position).
	Score float64
}

// Candidate is one person of the ranked list.
type Candidate struct {
	SubjectID string
	// Score is the fused score −10·log10(FMR) of the candidate's per-finger scores (see
	// FusedFMR); higher is more similar.
	Score float64
	// FPIR estimates the probability that a person not in the gallery produces a
	// candidate scoring at least this much: gallery persons × fused FMR, capped at 1.
	FPIR    float64
	Fingers []FingerScore
}

// Result is the outcome of a search.
type Result struct {
	// Candidates are ranked by Score, best first.
	Candidates []Candidate
	// Hit is true when the best candidate's FPIR estimate is at most the target FPIR.
	Hit bool
	// Persons is the gallery size the search saw; Compared the persons compared precisely.
	Persons, Compared int
	// Stage1 and Stage2 are the wall-clock times of the two stages.
	Stage1, Stage2 time.Duration
}

// probeFinger is one prepared probe finger.
type probeFinger struct {
	pos  uint8
	code Code
	ones int
	pk   matcher.Packed
	once *sync.Once
	prep **matcher.Prepared
}

// prepared returns the comparison form of the probe finger, built on first use (stage 2
// may never need some fingers).
func (p *probeFinger) prepared() *matcher.Prepared {
	p.once.Do(func() { *p.prep, _ = matcher.PreparePacked(p.pk) }) // Pack output is well-formed
	return *p.prep
}

// Search looks the probe's fingers up in the gallery. Each template's Position selects the
// enrolled finger it is compared with; position 0 (unknown) is compared with all ten of a
// person's fingers and the best score counts (its FMR is then multiplied by the number of
// fingers compared, see FusedFMR). Search stops with ctx.Err() when ctx is cancelled.
func (g *Gallery) Search(ctx context.Context, probe []*matcher.Template, o SearchOptions) (*Result, error) {
	fingers, err := prepareProbe(probe)
	if err != nil {
		return nil, err
	}
	o = o.withDefaults(len(fingers))
	views := make([]*shardView, len(g.shards))
	res := &Result{}
	for i := range g.shards {
		views[i] = g.shards[i].view.Load()
		res.Persons += views[i].live
	}
	t0 := time.Now()
	var cands []slotRef
	if o.Exhaustive {
		cands = allSlots(views)
		o.Refine = len(cands)
	} else if cands, err = g.screen(ctx, views, fingers, res.Persons, o); err != nil {
		return nil, err
	}
	t1 := time.Now()
	scored, err := stage2(ctx, g.opts.FMR, views, fingers, cands, res.Persons, o.Refine)
	if err != nil {
		return nil, err
	}
	res.Stage1, res.Stage2 = t1.Sub(t0), time.Since(t1)
	res.Compared = len(scored)
	sort.SliceStable(scored, func(a, b int) bool { return scored[a].Score > scored[b].Score })
	res.Candidates = scored[:min(len(scored), o.Results)]
	res.Hit = len(res.Candidates) > 0 && res.Candidates[0].FPIR <= o.TargetFPIR
	g.metrics.observe(res)
	return res, nil
}

// screen selects the candidates of the precise comparison: the best Screen persons by code
// (see screenSize and screenCandidates), re-ranked by pose voting on the probe's richest
// fingers, keeping K.
func (g *Gallery) screen(ctx context.Context, views []*shardView, fingers []probeFinger, persons int, o SearchOptions) ([]slotRef, error) {
	cands, err := screenCandidates(ctx, views, fingers, screenSize(o.Screen, persons, len(fingers)))
	if err != nil {
		return nil, err
	}
	return poseStage(ctx, views, richest(fingers, poseFingers), cands, o.Candidates)
}

// withDefaults fills in the zero fields.
func (o SearchOptions) withDefaults(fingers int) SearchOptions {
	if o.Candidates <= 0 {
		o.Candidates = 6
		if fewFingers(fingers) {
			o.Candidates = 100
		}
	}
	if o.Refine <= 0 {
		o.Refine = 2
	}
	if fewFingers(fingers) {
		o.Refine = o.Candidates // one or two fingers: every candidate on every finger
	}
	if o.Results <= 0 {
		o.Results = 10
	}
	if o.TargetFPIR <= 0 {
		o.TargetFPIR = 0.01
	}
	return o
}

// prepareProbe computes the codes and comparison forms of the probe fingers.
func prepareProbe(probe []*matcher.Template) ([]probeFinger, error) {
	var out []probeFinger
	for i, t := range probe {
		if t == nil || len(t.Minutiae) == 0 {
			continue
		}
		if t.Position > Fingers {
			return nil, fmt.Errorf("%w: probe finger %d at position %d", ErrPosition, i, t.Position)
		}
		pk := matcher.Pack(t)
		c := NewCode(pk)
		out = append(out, probeFinger{pos: t.Position, code: c, ones: c.Ones(), pk: pk,
			once: new(sync.Once), prep: new(*matcher.Prepared)})
	}
	if len(out) == 0 {
		return nil, ErrNoFingers
	}
	return out, nil
}

// slotRef names one person of a search's views.
type slotRef struct {
	shard, slot int32
	score       float32
}

// allSlots lists every live person.
func allSlots(views []*shardView) []slotRef {
	var out []slotRef
	for si, v := range views {
		for slot := range v.n {
			if !v.isDead(slot) {
				out = append(out, slotRef{shard: int32(si), slot: int32(slot)})
			}
		}
	}
	return out
}

// parallel runs work(worker, item) for items 0..n-1 on all cores, stopping at cancellation.
func parallel(ctx context.Context, n int, work func(w, item int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				work(w, i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
