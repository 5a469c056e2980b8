package gallery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/matcher"
)

// randomFinger returns a template of n minutiae spread over a 300×380 area at 500 dpi.
func randomFinger(r *rand.Rand, n int) *matcher.Template {
	t := &matcher.Template{Width: 400, Height: 480, ResX: 197, ResY: 197}
	for range n {
		t.Minutiae = append(t.Minutiae, matcher.Minutia{
			X: 50 + r.IntN(300), Y: 50 + r.IntN(380), Angle: r.Float64() * 2 * math.Pi,
			Type: matcher.MinutiaType(1 + r.IntN(2)), Quality: 60,
		})
	}
	return t
}

// impression returns a mated impression: rotated, shifted, jittered, with some minutiae lost.
func impression(r *rand.Rand, t *matcher.Template) *matcher.Template {
	rot := (r.Float64() - 0.5) * 0.4
	dx, dy := r.NormFloat64()*15, r.NormFloat64()*15
	cs, sn := math.Cos(rot), math.Sin(rot)
	out := *t
	out.Minutiae = nil
	for _, m := range t.Minutiae {
		if r.Float64() < 0.15 {
			continue
		}
		x, y := float64(m.X)-200, float64(m.Y)-240
		nx := x*cs - y*sn + 200 + dx + r.NormFloat64()*2
		ny := x*sn + y*cs + 240 + dy + r.NormFloat64()*2
		if nx < 0 || ny < 0 {
			continue
		}
		m.X, m.Y = int(nx), int(ny)
		m.Angle = math.Mod(m.Angle-rot+0.05*r.NormFloat64()+4*math.Pi, 2*math.Pi)
		out.Minutiae = append(out.Minutiae, m)
	}
	return &out
}

// testGallery builds n persons with fingers positions 1..fingers and returns their templates.
func testGallery(t testing.TB, n, fingers int, seed uint64) (*Gallery, [][]*matcher.Template) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	g := New(Options{Shards: 8})
	all := make([][]*matcher.Template, n)
	for i := range n {
		p := Person{SubjectID: fmt.Sprintf("S%05d", i)}
		for f := 1; f <= fingers; f++ {
			tp := randomFinger(r, 25+r.IntN(20))
			tp.Position = uint8(f)
			all[i] = append(all[i], tp)
			p.Fingers[f] = matcher.Pack(tp)
		}
		if err := g.Put(&p); err != nil {
			t.Fatal(err)
		}
	}
	return g, all
}

func probeOf(r *rand.Rand, fingers []*matcher.Template) []*matcher.Template {
	var out []*matcher.Template
	for _, f := range fingers {
		out = append(out, impression(r, f))
	}
	return out
}

func TestSearchMatchesBruteForce(t *testing.T) {
	g, all := testGallery(t, 120, 2, 1)
	r := rand.New(rand.NewPCG(9, 9))
	ctx := context.Background()
	for i := 0; i < 120; i += 41 {
		probe := probeOf(r, all[i])
		fast, err := g.Search(ctx, probe, SearchOptions{Candidates: 30})
		if err != nil {
			t.Fatal(err)
		}
		slow, err := g.Search(ctx, probe, SearchOptions{Exhaustive: true})
		if err != nil {
			t.Fatal(err)
		}
		if slow.Compared != 120 || fast.Compared != 30 {
			t.Fatalf("compared %d and %d persons", slow.Compared, fast.Compared)
		}
		want := fmt.Sprintf("S%05d", i)
		if slow.Candidates[0].SubjectID != want || fast.Candidates[0].SubjectID != want {
			t.Fatalf("probe %d: brute force rank 1 %s, two-stage %s", i, slow.Candidates[0].SubjectID, fast.Candidates[0].SubjectID)
		}
		if fast.Candidates[0].Score != slow.Candidates[0].Score || !fast.Hit || !slow.Hit {
			t.Fatalf("probe %d: scores %v vs %v, hit %v %v", i, fast.Candidates[0], slow.Candidates[0], fast.Hit, slow.Hit)
		}
	}
}

func TestStage1TopKExact(t *testing.T) {
	g, all := testGallery(t, 200, 3, 2)
	r := rand.New(rand.NewPCG(3, 3))
	fingers, err := prepareProbe(probeOf(r, all[5]))
	if err != nil {
		t.Fatal(err)
	}
	views := make([]*shardView, len(g.shards))
	for i := range views {
		views[i] = g.shards[i].view.Load()
	}
	got, err := stage1(context.Background(), views, fingers, 20)
	if err != nil {
		t.Fatal(err)
	}
	every := topK{k: 1 << 20}
	for si, v := range views {
		scanShard(v, int32(si), fingers, &every)
	}
	scores := map[float32]int{}
	for _, s := range every.items {
		scores[s.score]++
	}
	var kth float32 = math.MaxFloat32
	for _, s := range got {
		kth = min(kth, s.score)
	}
	above := 0
	for _, s := range every.items {
		if s.score > kth {
			above++
		}
	}
	if len(got) != 20 || above > 20 {
		t.Fatalf("stage 1 kept %d, %d persons score above its worst", len(got), above)
	}
}

func TestUpsertReplaceRemove(t *testing.T) {
	g, all := testGallery(t, 50, 1, 4)
	r := rand.New(rand.NewPCG(5, 5))
	if p, tm := g.Len(); p != 50 || tm != 50 {
		t.Fatalf("len %d %d", p, tm)
	}
	// replace S00007 by another finger: its old impression must no longer find it
	old := all[7][0]
	nf := randomFinger(r, 40)
	nf.Position = 1
	p := Person{SubjectID: "S00007"}
	p.Fingers[1] = matcher.Pack(nf)
	if err := g.Put(&p); err != nil {
		t.Fatal(err)
	}
	if n, _ := g.Len(); n != 50 {
		t.Fatalf("replace changed person count to %d", n)
	}
	res, _ := g.Search(context.Background(), []*matcher.Template{impression(r, nf)}, SearchOptions{})
	if res.Candidates[0].SubjectID != "S00007" {
		t.Fatalf("new finger finds %s", res.Candidates[0].SubjectID)
	}
	res, _ = g.Search(context.Background(), []*matcher.Template{impression(r, old)}, SearchOptions{})
	if res.Hit && res.Candidates[0].SubjectID == "S00007" {
		t.Fatal("replaced finger still hits its person")
	}
	if !g.Remove("S00007") || g.Remove("S00007") {
		t.Fatal("remove reports wrong presence")
	}
	if n, _ := g.Len(); n != 49 {
		t.Fatalf("persons after remove %d", n)
	}
	for i := range 49 {
		if i != 7 {
			g.Remove(fmt.Sprintf("S%05d", i))
		}
	}
	if n, tm := g.Len(); n != 1 || tm != 1 {
		t.Fatalf("after removing all but one: %d %d", n, tm)
	}
	if _, ok := g.Get("S00049"); !ok {
		t.Fatal("S00049 lost in compaction")
	}
}

func TestPutRejectsBadInput(t *testing.T) {
	g := New(Options{})
	cases := []struct {
		p    Person
		want error
	}{
		{Person{}, ErrSubject},
		{Person{SubjectID: "x"}, ErrNoFingers},
		{Person{SubjectID: "x", Fingers: [11]matcher.Packed{0: {0}}}, ErrPosition},
		{Person{SubjectID: "x", Fingers: [11]matcher.Packed{3: {2, 1}}}, matcher.ErrFormat},
	}
	for i, c := range cases {
		if err := g.Put(&c.p); !errors.Is(err, c.want) {
			t.Errorf("case %d: %v, want %v", i, err, c.want)
		}
	}
	if err := g.Upsert("y", map[int][]byte{11: {1}}); !errors.Is(err, ErrPosition) {
		t.Errorf("position 11: %v", err)
	}
	if err := g.Upsert("y", map[int][]byte{2: []byte("FMR\x00junk")}); err == nil {
		t.Error("bad ISO record accepted")
	}
}

func TestConcurrentUpdateAndSearch(t *testing.T) {
	g, all := testGallery(t, 200, 2, 6)
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("S%05d", 100+r.IntN(100))
				if i%3 == 0 {
					g.Remove(id)
					continue
				}
				p := Person{SubjectID: id}
				p.Fingers[1] = matcher.Pack(randomFinger(r, 30))
				if err := g.Put(&p); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	r := rand.New(rand.NewPCG(8, 8))
	for i := range 30 {
		res, err := g.Search(ctx, probeOf(r, all[i%100]), SearchOptions{Candidates: 5})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("S%05d", i%100); res.Candidates[0].SubjectID != want {
			t.Errorf("search %d during updates found %s, want %s", i, res.Candidates[0].SubjectID, want)
		}
	}
	close(stop)
	wg.Wait()
}

func TestSearchCancelled(t *testing.T) {
	g, all := testGallery(t, 100, 1, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := rand.New(rand.NewPCG(1, 1))
	if _, err := g.Search(ctx, probeOf(r, all[0]), SearchOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled search: %v", err)
	}
	if _, err := g.Search(ctx, nil, SearchOptions{}); !errors.Is(err, ErrNoFingers) {
		t.Fatalf("empty probe: %v", err)
	}
}

func TestFusedFMR(t *testing.T) {
	cases := []struct {
		in   []float64
		want float64
	}{
		{nil, 1},
		{[]float64{0.01}, 0.01},
		{[]float64{1, 1}, 1},
		{[]float64{0.1, 0.1}, 0.01 * (1 + math.Log(100))},
	}
	for _, c := range cases {
		if got := FusedFMR(c.in); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("FusedFMR(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// snapshotLoaders are the two ways a snapshot is loaded: ReadSnapshot from a stream and
// OpenSnapshotFile from a (mapped) file.
var snapshotLoaders = []struct {
	name string
	load func(t *testing.T, b []byte) (*Gallery, error)
}{
	{"stream", func(_ *testing.T, b []byte) (*Gallery, error) { return ReadSnapshot(bytes.NewReader(b), Options{}) }},
	{"file", func(t *testing.T, b []byte) (*Gallery, error) {
		path := filepath.Join(t.TempDir(), "g.snap")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return OpenSnapshotFile(path, Options{})
	}},
}

func TestSnapshotRoundTripAndCorruption(t *testing.T) {
	g, all := testGallery(t, 60, 2, 13)
	g.Remove("S00003")
	var buf bytes.Buffer
	if err := g.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	for _, l := range snapshotLoaders {
		t.Run(l.name, func(t *testing.T) {
			h, err := l.load(t, buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if p, tm := h.Len(); p != 59 || tm != 118 {
				t.Fatalf("loaded %d persons %d templates", p, tm)
			}
			for _, id := range []string{"S00000", "S00059"} {
				a, _ := g.Get(id)
				b, ok := h.Get(id)
				if !ok || fmt.Sprint(a) != fmt.Sprint(b) {
					t.Fatalf("%s differs after round trip", id)
				}
			}
			r := rand.New(rand.NewPCG(2, 2))
			probe := probeOf(r, all[9])
			want, _ := g.Search(context.Background(), probe, SearchOptions{})
			got, _ := h.Search(context.Background(), probe, SearchOptions{})
			if got.Candidates[0].SubjectID != "S00009" || got.Candidates[0].Score != want.Candidates[0].Score {
				t.Fatalf("loaded gallery finds %v, original %v", got.Candidates[0], want.Candidates[0])
			}
			if h.SnapshotTime().IsZero() {
				t.Fatal("no snapshot time")
			}
			b := buf.Bytes()
			for _, off := range []int{0, 20, 40, 200, len(b) / 2, len(b) - 20, len(b) - 3} {
				c := append([]byte(nil), b...)
				c[off] ^= 0x40
				if _, err := l.load(t, c); !errors.Is(err, ErrSnapshot) {
					t.Errorf("flip at %d: %v", off, err)
				}
			}
			for _, n := range []int{0, 10, 31, len(b) / 3, len(b) - 1} {
				if _, err := l.load(t, b[:n]); !errors.Is(err, ErrSnapshot) {
					t.Errorf("truncated to %d: %v", n, err)
				}
			}
		})
	}
}

// TestMappedSnapshotChanges checks that a gallery loaded from a mapped file can be changed
// like any other (every shard's templates copied out as it changes) while the file stays
// as it was written.
func TestMappedSnapshotChanges(t *testing.T) {
	g, all := testGallery(t, 40, 2, 15)
	path := filepath.Join(t.TempDir(), "g.snap")
	var buf bytes.Buffer
	if err := g.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := OpenSnapshotFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	for i := range 40 { // a new person in every shard, one replaced, one removed
		p := &Person{SubjectID: fmt.Sprintf("N%05d", i)}
		p.Fingers[2], p.Fingers[7] = matcher.Pack(randomFinger(r, 30)), matcher.Pack(randomFinger(r, 30))
		if err := h.Put(p); err != nil {
			t.Fatal(err)
		}
	}
	replaced := &Person{SubjectID: "S00004"}
	replaced.Fingers[2] = matcher.Pack(randomFinger(r, 30))
	if err := h.Put(replaced); err != nil {
		t.Fatal(err)
	}
	h.Remove("S00005")
	if p, _ := h.Len(); p != 79 {
		t.Fatalf("%d persons after the changes, want 79", p)
	}
	res, err := h.Search(context.Background(), probeOf(r, all[11]), SearchOptions{})
	if err != nil || res.Candidates[0].SubjectID != "S00011" {
		t.Fatalf("search after the changes: %v, %+v", err, res)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, buf.Bytes()) {
		t.Fatal("changing the gallery changed its mapped file")
	}
}

func FuzzReadSnapshot(f *testing.F) {
	g, _ := testGallery(f, 3, 2, 14)
	var buf bytes.Buffer
	if err := g.WriteSnapshot(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadSnapshot(bytes.NewReader(b), Options{})
		// the mapped-file loader parses the same bytes in place: it must agree
		m, merr := loadSnapshot(&mapSource{b: b[:len(b):len(b)]}, Options{})
		if (err == nil) != (merr == nil) {
			t.Fatalf("stream loader: %v, in-place loader: %v", err, merr)
		}
		if err != nil {
			return
		}
		hp, ht := h.Len()
		if mp, mt := m.Len(); mp != hp || mt != ht {
			t.Fatalf("stream loader %d/%d persons/templates, in-place %d/%d", hp, ht, mp, mt)
		}
		r := rand.New(rand.NewPCG(1, 1))
		fp := randomFinger(r, 30)
		if _, err := h.Search(context.Background(), []*matcher.Template{fp}, SearchOptions{Candidates: 2}); err != nil && !errors.Is(err, ErrNoFingers) {
			t.Fatal(err)
		}
	})
}

func TestMetrics(t *testing.T) {
	g, all := testGallery(t, 20, 1, 15)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(g.Collector())
	r := rand.New(rand.NewPCG(1, 1))
	if _, err := g.Search(context.Background(), probeOf(r, all[3]), SearchOptions{Candidates: 4}); err != nil {
		t.Fatal(err)
	}
	if err := g.WriteSnapshot(io.Discard); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, mf := range mfs {
		got[mf.GetName()] = true
		if mf.GetName() == "enrolld_gallery_persons" && mf.Metric[0].GetGauge().GetValue() != 20 {
			t.Errorf("persons gauge %v", mf.Metric[0].GetGauge().GetValue())
		}
		if mf.GetName() == "enrolld_search_candidates" && mf.Metric[0].GetHistogram().GetSampleCount() != 1 {
			t.Errorf("candidates histogram count %d", mf.Metric[0].GetHistogram().GetSampleCount())
		}
	}
	for _, n := range []string{"enrolld_search_duration_seconds", "enrolld_search_candidates", "enrolld_gallery_persons",
		"enrolld_gallery_templates", "enrolld_gallery_snapshot_age_seconds"} {
		if !got[n] {
			t.Errorf("metric %s missing", n)
		}
	}
}

func TestScanFastPathMatchesGeneric(t *testing.T) {
	g, all := testGallery(t, 150, 4, 16)
	r := rand.New(rand.NewPCG(4, 4))
	fingers, err := prepareProbe(probeOf(r, all[12]))
	if err != nil {
		t.Fatal(err)
	}
	g.Remove("S00003")
	for si := range g.shards {
		v := g.shards[si].view.Load()
		fast, slow := topK{k: 1 << 20}, topK{k: 1 << 20}
		scanShard(v, int32(si), fingers, &fast)
		scanGeneric(v, int32(si), fingers, &slow)
		if len(fast.items) != len(slow.items) {
			t.Fatalf("shard %d: %d vs %d persons", si, len(fast.items), len(slow.items))
		}
		byslot := map[int32]float32{}
		for _, x := range slow.items {
			byslot[x.slot] = x.score
		}
		for _, x := range fast.items {
			if d := x.score - byslot[x.slot]; d > 1e-3 || d < -1e-3 {
				t.Fatalf("shard %d slot %d: fast %v generic %v", si, x.slot, x.score, byslot[x.slot])
			}
		}
	}
}

func TestSmallKHasNoEmptyCandidates(t *testing.T) {
	g, all := testGallery(t, 40, 10, 17)
	r := rand.New(rand.NewPCG(6, 6))
	res, err := g.Search(context.Background(), probeOf(r, all[2]), SearchOptions{Candidates: 3, Refine: 5, Results: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Compared != len(res.Candidates) || res.Compared == 0 || res.Compared > 3 {
		t.Fatalf("compared %d, %d candidates", res.Compared, len(res.Candidates))
	}
	for _, c := range res.Candidates {
		if c.SubjectID == "" || len(c.Fingers) == 0 {
			t.Fatalf("empty candidate %+v", c)
		}
	}
	if res.Candidates[0].SubjectID != "S00002" {
		t.Fatalf("rank 1 %s", res.Candidates[0].SubjectID)
	}
}
