package gallery

import (
	"context"
	"sort"

	"github.com/enrolld/enrolld/matcher"
)

// Stage1Report tells where a known person stands in stage 1 of a search: the evidence for
// whether a missed mated search lost its mate in the code scan (stage-1 recall) or in the
// precise comparison and fusion of stage 2.
type Stage1Report struct {
	// Rank is the person's rank among all live persons by fused code score (1 is best; 0
	// if the person is not in the gallery). Ties count in the person's favour.
	Rank int
	// Candidates is the Screen of the search, the number of persons stage 1 passes on by
	// fused code score.
	Candidates int
	// Screened reports whether stage 1 passed the person on: Rank ≤ Candidates, or for
	// two-finger searches also a rank within Candidates/4 by one finger's code alone.
	Screened bool
	// PoseRank is the person's rank by pose voting among the screened persons (0 if not
	// screened), PoseKeep the number of them pose voting passes to the precise comparison.
	PoseRank, PoseKeep int
	// Persons is the gallery size scanned.
	Persons int
}

// Stage1Rank scans the gallery as stage 1 of Search(ctx, probe, o) would and reports the
// rank of subjectID. It costs one full scan plus a sort of all scores, so it is meant for
// evaluation, not for the desk.
func (g *Gallery) Stage1Rank(ctx context.Context, probe []*matcher.Template, subjectID string, o SearchOptions) (Stage1Report, error) {
	fingers, err := prepareProbe(probe)
	if err != nil {
		return Stage1Report{}, err
	}
	o = o.withDefaults(len(fingers))
	views := make([]*shardView, len(g.shards))
	rep := Stage1Report{}
	for i := range g.shards {
		views[i] = g.shards[i].view.Load()
		rep.Persons += views[i].live
	}
	rep.Candidates = min(o.Candidates, rep.Persons)
	rep.Candidates, rep.PoseKeep = min(screenSize(o.Screen, rep.Persons, len(fingers)), rep.Persons), o.Candidates
	all, err := stage1(ctx, views, fingers, rep.Persons)
	if err != nil {
		return Stage1Report{}, err
	}
	sort.Slice(all, func(a, b int) bool { return all[a].score > all[b].score })
	mate := -1
	for i, r := range all {
		if views[r.shard].ids[r.slot] == subjectID {
			mate = i
			break
		}
	}
	if mate < 0 {
		return rep, nil
	}
	rep.Rank = 1 + sort.Search(mate, func(i int) bool { return all[i].score <= all[mate].score })
	screened, err := screenCandidates(ctx, views, fingers, rep.Candidates)
	if err != nil {
		return Stage1Report{}, err
	}
	ranked, err := poseStage(ctx, views, richest(fingers, poseFingers), screened, len(screened))
	if err != nil {
		return Stage1Report{}, err
	}
	for i, r := range ranked {
		if views[r.shard].ids[r.slot] == subjectID {
			rep.Screened, rep.PoseRank = true, i+1
		}
	}
	return rep, nil
}
