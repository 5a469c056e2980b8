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
