package gallery_test

import (
	"context"
	"testing"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
	"github.com/enrolld/enrolld/matcher/synth"
	enrsync "github.com/enrolld/enrolld/sync"
)

// The gallery is the sync layer's sink, without importing it.
var _ enrsync.GallerySink = (*gallery.Gallery)(nil)

func TestSinkUpsertISO(t *testing.T) {
	g := gallery.New(gallery.Options{Shards: 4})
	var sink enrsync.GallerySink = g
	for p := range 30 {
		recs := map[int][]byte{}
		for _, f := range []int{2, 7} {
			tp := synth.NewFinger(synth.Options{}, 5, p, f-1).Impression(5, p, f-1, 0, uint8(f))
			b, err := matcher.EncodeISO(tp)
			if err != nil {
				t.Fatal(err)
			}
			recs[f] = b
		}
		id := string(rune('A'+p%26)) + string(rune('a'+p/26))
		if err := sink.Upsert(id, recs); err != nil {
			t.Fatal(err)
		}
		if err := sink.Upsert(id, recs); err != nil { // idempotent
			t.Fatal(err)
		}
	}
	if n, tm := g.Len(); n != 30 || tm != 60 {
		t.Fatalf("gallery holds %d persons %d templates", n, tm)
	}
	probe := []*matcher.Template{
		synth.NewFinger(synth.Options{}, 5, 4, 1).Impression(5, 4, 1, 3, 2),
		synth.NewFinger(synth.Options{}, 5, 4, 6).Impression(5, 4, 6, 3, 7),
	}
	res, err := g.Search(context.Background(), probe, gallery.SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Candidates[0].SubjectID != "Ea" || !res.Hit {
		t.Fatalf("mate of Ea: best %v hit %v", res.Candidates[0], res.Hit)
	}
	if err := sink.Delete("Ea"); err != nil {
		t.Fatal(err)
	}
	if err := sink.Delete("Ea"); err != nil {
		t.Fatal(err)
	}
	if n, _ := g.Len(); n != 29 {
		t.Fatalf("after delete %d persons", n)
	}
}
