package main

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
)

// evaluator runs the searches of eval search and diagnoses the mated ones.
type evaluator struct {
	g     *gallery.Gallery
	o     gallery.SearchOptions
	brute string    // "", "misses" or "all"
	log   io.Writer // per-miss explanations (nil: none)
}

// run enrols the first impression of enrolled persons and runs all searches.
func (e *evaluator) run(ctx context.Context, persons []realPerson) (*evalSearchResult, error) {
	r := &evalSearchResult{TargetFPIR: 100 * e.o.TargetFPIR}
	for _, p := range persons {
		first := firstImpression(p)
		if !p.enrolled || first < 0 {
			continue
		}
		gp := gallery.Person{SubjectID: p.id}
		for _, t := range p.impressions[first] {
			gp.Fingers[t.Position] = matcher.Pack(t)
		}
		if err := e.g.Put(&gp); err != nil {
			return nil, fmt.Errorf("eval search: enrol %s: %w", p.id, err)
		}
		r.EnrolledReal++
	}
	r.Persons, _ = e.g.Len()
	var rank1, fn, fp, inK, inPrecise, bruteTop int
	for _, p := range persons {
		first := firstImpression(p)
		for _, k := range sortedKeys(p.impressions) {
			if p.enrolled && k == first {
				continue
			}
			probe := p.impressions[k]
			res, err := e.g.Search(ctx, probe, e.o)
			if err != nil {
				return nil, err
			}
			if !p.enrolled {
				r.NonMated++
				if res.Hit {
					fp++
				}
				continue
			}
			r.Mated++
			top := len(res.Candidates) > 0 && res.Candidates[0].SubjectID == p.id
			if top {
				rank1++
			}
			if !top || !res.Hit {
				fn++
			}
			s1, err := e.g.Stage1Rank(ctx, probe, p.id, e.o)
			if err != nil {
				return nil, err
			}
			screened := s1.Screened
			reached := screened && (s1.PoseKeep == 0 || s1.PoseRank <= s1.PoseKeep)
			if screened {
				inK++
			}
			if reached {
				inPrecise++
			}
			switch {
			case top:
			case reached:
				r.MissStage2++
			case screened:
				r.MissPose++
			default:
				r.MissStage1++
			}
			if e.brute == "all" || (e.brute == "misses" && !top) {
				bt, err := e.bruteCheck(ctx, probe, p.id, k, s1, res)
				if err != nil {
					return nil, err
				}
				r.BruteSearches++
				if bt {
					bruteTop++
				}
			} else if !top && e.log != nil {
				e.explain(p.id, k, s1, res, nil)
			}
		}
	}
	r.Rank1 = pct(rank1, r.Mated)
	r.FNIR = pct(fn, r.Mated)
	r.FPIR = pct(fp, r.NonMated)
	r.Stage1Recall = pct(inK, r.Mated)
	r.PreciseRecal = pct(inPrecise, r.Mated)
	if r.BruteSearches > 0 {
		r.BruteRank1 = pct(bruteTop, r.BruteSearches)
		r.BruteMisses = r.BruteSearches - bruteTop
	}
	return r, nil
}

// bruteCheck repeats a mated search with exhaustive comparison and reports whether it
// ranks the mate first.
func (e *evaluator) bruteCheck(ctx context.Context, probe []*matcher.Template, id string, k int, s1 gallery.Stage1Report, res *gallery.Result) (bool, error) {
	o := e.o
	o.Exhaustive = true
	b, err := e.g.Search(ctx, probe, o)
	if err != nil {
		return false, err
	}
	top := len(b.Candidates) > 0 && b.Candidates[0].SubjectID == id
	if e.log != nil && (!top || len(res.Candidates) == 0 || res.Candidates[0].SubjectID != id) {
		e.explain(id, k, s1, res, b)
	}
	return top, nil
}

// explain prints one miss: the mate's stage-1 rank and the scores of the mate and of the
// winner (finger scores are similarity numbers, not biometric data).
func (e *evaluator) explain(id string, k int, s1 gallery.Stage1Report, res, brute *gallery.Result) {
	fmt.Fprintf(e.log, "miss %s impression %d: fused code rank %d (%d passed on; screened %v), pose rank %d of %d\n", id, k, s1.Rank, s1.Candidates, s1.Screened, s1.PoseRank, s1.PoseKeep)
	for _, x := range []struct {
		name string
		r    *gallery.Result
	}{{"two-stage", res}, {"brute", brute}} {
		if x.r == nil {
			continue
		}
		for i, c := range x.r.Candidates {
			if i == 0 || c.SubjectID == id {
				fmt.Fprintf(e.log, "  %s rank %d %s: fused %.1f fingers %s\n", x.name, i+1, c.SubjectID, c.Score, fingerScores(c.Fingers))
			}
		}
	}
}

func fingerScores(fs []gallery.FingerScore) string {
	s := ""
	for _, f := range fs {
		s += fmt.Sprintf(" %d:%.4f", f.Probe, f.Score)
	}
	return s
}

// sortedKeys returns the impression numbers in ascending order.
func sortedKeys(m map[int][]*matcher.Template) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
