package gallery

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/enrolld/enrolld/matcher"
)

func TestAngle256(t *testing.T) {
	for k := range 3600 {
		a := float64(k) * 2 * math.Pi / 3600
		for _, r := range []float64{3, 40, 150} {
			dx, dy := float32(r*math.Cos(a)), float32(r*math.Sin(a))
			want := math.Atan2(float64(dy), float64(dx)) * 128 / math.Pi
			got := float64(angle256(dx, dy))
			if d := math.Abs(math.Remainder(got-want, 256)); d > 0.75 {
				t.Fatalf("angle256(%v, %v) = %v, want %.2f", dx, dy, got, want)
			}
		}
	}
}

// TestPoseVotingRanksMates checks that a rotated, shifted impression with missing minutiae
// collects more pose votes from its finger than from any of 40 other fingers.
func TestPoseVotingRanksMates(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	fingers := make([]matcher.Packed, 40)
	for i := range fingers {
		fingers[i] = matcher.Pack(randomFinger(r, 30+r.IntN(15)))
	}
	votes := new(poseVotes)
	var pts []pt
	for i := range 10 {
		tp, _ := fingers[i].Unpack()
		pp := newPoseProbe(matcher.Pack(impression(r, tp)))
		var mate, best int
		mate, pts = pp.poseScore(fingers[i], pts, votes)
		for j, g := range fingers {
			if j != i {
				var s int
				s, pts = pp.poseScore(g, pts, votes)
				best = max(best, s)
			}
		}
		if mate <= best || mate < 5 {
			t.Errorf("finger %d: mate %d votes, best impostor %d", i, mate, best)
		}
	}
}

func TestPoseVotesTableFull(t *testing.T) {
	v := new(poseVotes)
	for k := range uint32(3 * poseVoteSlots) {
		v.add(k + 1)
	}
	if v.used > poseVoteSlots*3/4 {
		t.Fatalf("%d slots used", v.used)
	}
	if n := v.add(1); n != 2 {
		t.Fatalf("first key counted %d, want 2", n)
	}
	for range 1 << 17 {
		v.add(1)
	}
	if n := v.add(1); n != 1<<16-1 {
		t.Fatalf("count of a cell voted 2¹⁷ times: %d", n)
	}
	v.reset()
	if n := v.add(5); n != 1 {
		t.Fatalf("after reset: %d", n)
	}
}

// TestTwoFingerScreen searches two-finger probes with a screen much smaller than the
// gallery, so code scan, pose voting and the precise comparison all have to keep the mate.
func TestTwoFingerScreen(t *testing.T) {
	g, all := testGallery(t, 400, 2, 21)
	r := rand.New(rand.NewPCG(5, 5))
	ctx := context.Background()
	o := SearchOptions{Screen: 60, Candidates: 5}
	for i := 3; i < 400; i += 97 {
		probe := probeOf(r, all[i])
		res, err := g.Search(ctx, probe, o)
		if err != nil {
			t.Fatal(err)
		}
		id := res.Candidates[0].SubjectID
		if id != subject(i) || res.Compared != 5 || len(res.Candidates[0].Fingers) != 2 {
			t.Fatalf("probe %d: rank 1 %s, compared %d, fingers %v", i, id, res.Compared, res.Candidates[0].Fingers)
		}
		rep, err := g.Stage1Rank(ctx, probe, subject(i), o)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rank < 1 || rep.Rank > 60 || rep.Candidates != 60 || rep.PoseRank != 1 || rep.PoseKeep != 5 || rep.Persons != 400 {
			t.Fatalf("probe %d: %+v", i, rep)
		}
	}
	rep, err := g.Stage1Rank(ctx, probeOf(r, all[7]), subject(7), SearchOptions{})
	if err != nil || rep.Rank < 1 || rep.Candidates != 400 || rep.PoseRank != 1 || rep.PoseKeep != 100 {
		t.Fatalf("default screen beyond the gallery: %+v, %v", rep, err)
	}
	rep, err = g.Stage1Rank(ctx, probeOf(r, all[0]), "nobody", o)
	if err != nil || rep.Rank != 0 || rep.PoseRank != 0 {
		t.Fatalf("unknown subject: %+v, %v", rep, err)
	}
}

func subject(i int) string { return fmt.Sprintf("S%05d", i) }

// TestScreenKeepsOneGoodFinger searches probes whose second finger is unrelated noise (a
// failed capture): the screen by the good finger's code alone has to keep the mate.
func TestScreenKeepsOneGoodFinger(t *testing.T) {
	g, all := testGallery(t, 400, 2, 22)
	r := rand.New(rand.NewPCG(6, 6))
	ctx := context.Background()
	o := SearchOptions{Screen: 16, Candidates: 3}
	for i := 5; i < 400; i += 79 {
		probe := probeOf(r, all[i])
		noise := randomFinger(r, 60)
		noise.Position = probe[1].Position
		probe[1] = noise
		res, err := g.Search(ctx, probe, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Candidates[0].SubjectID != subject(i) {
			t.Fatalf("probe %d with one failed finger: rank 1 %s", i, res.Candidates[0].SubjectID)
		}
		rep, err := g.Stage1Rank(ctx, probe, subject(i), o)
		if err != nil || !rep.Screened || rep.PoseRank != 1 {
			t.Fatalf("probe %d: %+v, %v", i, rep, err)
		}
	}
}

// TestScreenIsUnionOfFingerScreens checks that the screen holds the best n by fused code
// and the best n/4 by each finger's code alone, without duplicates.
func TestScreenIsUnionOfFingerScreens(t *testing.T) {
	g, all := testGallery(t, 300, 2, 23)
	r := rand.New(rand.NewPCG(7, 7))
	fingers, err := prepareProbe(probeOf(r, all[9]))
	if err != nil {
		t.Fatal(err)
	}
	views := make([]*shardView, len(g.shards))
	for i := range views {
		views[i] = g.shards[i].view.Load()
	}
	ctx := context.Background()
	got, err := screenCandidates(ctx, views, fingers, 40)
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ shard, slot int32 }
	in := map[key]bool{}
	for _, c := range got {
		if in[key{c.shard, c.slot}] {
			t.Fatalf("slot %v twice", c)
		}
		in[key{c.shard, c.slot}] = true
	}
	for _, part := range [][]probeFinger{fingers, fingers[:1], fingers[1:]} {
		n := 40
		if len(part) == 1 {
			n = 10
		}
		want, _ := stage1(ctx, views, part, n)
		for _, c := range want {
			if !in[key{c.shard, c.slot}] {
				t.Fatalf("screen of %d fingers lacks %v", len(part), c)
			}
		}
	}
	if len(got) < 40 || len(got) > 60 {
		t.Fatalf("screen of %d", len(got))
	}
}

// TestTenFingerSearchMatchesBruteForce checks the pose-voted path of many-finger probes
// (screen, pose voting on three fingers, two-pass precise comparison) against exhaustive
// comparison.
func TestTenFingerSearchMatchesBruteForce(t *testing.T) {
	g, all := testGallery(t, 150, 10, 24)
	r := rand.New(rand.NewPCG(8, 8))
	ctx := context.Background()
	for i := 1; i < 150; i += 37 {
		probe := probeOf(r, all[i])
		fast, err := g.Search(ctx, probe, SearchOptions{Screen: 20})
		if err != nil {
			t.Fatal(err)
		}
		slow, err := g.Search(ctx, probe, SearchOptions{Exhaustive: true})
		if err != nil {
			t.Fatal(err)
		}
		if fast.Compared != 6 || fast.Candidates[0].SubjectID != subject(i) || slow.Candidates[0].SubjectID != subject(i) {
			t.Fatalf("probe %d: compared %d, rank 1 %s (brute force %s)", i, fast.Compared, fast.Candidates[0].SubjectID, slow.Candidates[0].SubjectID)
		}
		if fast.Candidates[0].Score != slow.Candidates[0].Score || len(fast.Candidates[0].Fingers) != 10 {
			t.Fatalf("probe %d: %v vs %v", i, fast.Candidates[0], slow.Candidates[0])
		}
	}
}

// TestPoseScoreLargeTemplates runs pose voting on the largest templates a Packed holds
// (255 minutiae, dense): the probe table and the vote table must stay in bounds.
func TestPoseScoreLargeTemplates(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	a, b := randomFinger(r, 255), randomFinger(r, 255)
	pp := newPoseProbe(matcher.Pack(a))
	if s, _ := pp.poseScore(matcher.Pack(a), nil, new(poseVotes)); s < 100 {
		t.Fatalf("a large template against itself: %d votes", s)
	}
	if s, _ := pp.poseScore(matcher.Pack(b), nil, new(poseVotes)); s > 100 {
		t.Fatalf("large impostor: %d votes", s)
	}
}
