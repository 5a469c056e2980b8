package gallery

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/enrolld/enrolld/matcher"
)

// BenchmarkStage1Scan measures the code scan alone; its MB/s is the rate over the codes.
func BenchmarkStage1Scan(b *testing.B) {
	g, all := testGallery(b, 20000, 10, 11)
	r := rand.New(rand.NewPCG(1, 2))
	fingers, err := prepareProbe(probeOf(r, all[0]))
	if err != nil {
		b.Fatal(err)
	}
	views := make([]*shardView, len(g.shards))
	for i := range views {
		views[i] = g.shards[i].view.Load()
	}
	b.SetBytes(20000 * Fingers * CodeBytes)
	b.ResetTimer()
	for b.Loop() {
		if _, err := stage1(context.Background(), views, fingers, 60); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch measures full ten-finger searches in a gallery of 5 000 persons.
func BenchmarkSearch(b *testing.B) {
	g, all := testGallery(b, 5000, 10, 12)
	r := rand.New(rand.NewPCG(1, 3))
	probe := probeOf(r, all[17])
	b.ResetTimer()
	for b.Loop() {
		if _, err := g.Search(context.Background(), probe, SearchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrepareCompare measures the stage-2 cost of one candidate finger.
func BenchmarkPrepareCompare(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 4))
	a := randomFinger(r, 40)
	pa, _ := matcher.PreparePacked(matcher.Pack(a))
	pk := matcher.Pack(randomFinger(r, 40))
	var c matcher.Comparator
	b.Run("prepare", func(b *testing.B) {
		for b.Loop() {
			matcher.PreparePacked(pk)
		}
	})
	pb, _ := matcher.PreparePacked(pk)
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			c.Compare(pa, pb)
		}
	})
}

// BenchmarkPoseScore measures pose voting of one candidate finger (40 minutiae each).
func BenchmarkPoseScore(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 5))
	a := randomFinger(r, 40)
	pp := newPoseProbe(matcher.Pack(impression(r, a)))
	others := make([]matcher.Packed, 64)
	for i := range others {
		others[i] = matcher.Pack(randomFinger(r, 40))
	}
	votes := new(poseVotes)
	var pts []pt
	b.ResetTimer()
	i := 0
	for b.Loop() {
		_, pts = pp.poseScore(others[i%len(others)], pts, votes)
		i++
	}
}

// BenchmarkReadSnapshot measures loading a snapshot of 20 000 persons from memory; its
// MB/s is the rate over the snapshot's bytes.
func BenchmarkReadSnapshot(b *testing.B) {
	g, _ := testGallery(b, 20000, 10, 13)
	var buf bytes.Buffer
	if err := g.WriteSnapshot(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ReadSnapshot(bytes.NewReader(buf.Bytes()), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
