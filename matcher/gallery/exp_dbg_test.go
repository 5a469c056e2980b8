package gallery

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/synth"
)

func TestExpDebug(t *testing.T) {
	snap := os.Getenv("EXP_SNAP")
	if snap == "" {
		t.Skip()
	}
	f, _ := os.Open(snap)
	g, err := ReadSnapshot(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := 266086
	var probe []*matcher.Template
	for pos := 1; pos <= 10; pos++ {
		probe = append(probe, synth.NewFinger(synth.Options{}, 1, id, pos-1).Impression(1, id, pos-1, 1, uint8(pos)))
	}
	sid := fmt.Sprintf("synth-%08d", id)
	rep, err := g.Stage1Rank(context.Background(), probe, sid, SearchOptions{})
	t.Logf("stage1 %+v %v", rep, err)
	p, _ := g.Get(sid)
	var c matcher.Comparator
	for pos := 1; pos <= 10; pos++ {
		a := matcher.Prepare(probe[pos-1])
		b, _ := matcher.PreparePacked(p.Fingers[pos])
		code := NewCode(matcher.Pack(probe[pos-1]))
		gc := NewCode(p.Fingers[pos])
		t.Logf("pos %d: n %d/%d score %.4f code z %.2f", pos, len(probe[pos-1].Minutiae), p.Fingers[pos].Len(), c.Compare(a, b), codeScore(commonBits(&code, gc[:]), code.Ones(), gc.Ones()))
	}
	res, _ := g.Search(context.Background(), probe, SearchOptions{Exhaustive: false, Candidates: 100, Results: 100})
	for i, cd := range res.Candidates {
		if cd.SubjectID == sid {
			t.Logf("rank %d %+v", i+1, cd)
		}
	}
}
