package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
	"github.com/enrolld/enrolld/matcher/synth"
)

// benchResult holds the figures of bench search, with the JSON keys of the issue (and a
// few more: rank-1 of the synthetic mates and the brute-force comparison).
type benchResult struct {
	Persons        int     `json:"persons"`
	P50MS          float64 `json:"p50_ms"`
	P99MS          float64 `json:"p99_ms"`
	SearchesPerSec float64 `json:"searches_per_second"`
	Stage1MS       float64 `json:"stage1_ms_median"`
	Stage2MS       float64 `json:"stage2_ms_median"`
	GalleryBytes   int64   `json:"gallery_bytes"`
	LoadSeconds    float64 `json:"load_seconds"`
	Rank1Percent   float64 `json:"rank1_percent"`
	BruteMS        float64 `json:"brute_force_ms_median,omitempty"`
	Speedup        float64 `json:"speedup,omitempty"`
}

// probePositions are the finger positions of a probe of n fingers: both index fingers for
// two, the right index for one, all ten otherwise.
func probePositions(n int) []int {
	switch n {
	case 1:
		return []int{2}
	case 2:
		return []int{2, 7}
	}
	return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
}

// runBench implements "enrollctl bench search --gallery FILE --probes N --probe-fingers
// 10|2|1 [--seed S] [--brute N] [--json]". Probes are mated impressions (number 1) of
// random persons of a gallery made by "synth gallery" with the same seed; searches run one
// after another, each using all cores.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "search" {
		fmt.Fprintln(stderr, "usage: enrollctl bench search --gallery FILE [--probes N] [--probe-fingers 10|2|1] [--json]")
		return usageErrorf("bench: unknown or missing sub-command (want search)")
	}
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("gallery", "", "gallery snapshot (from enrollctl synth gallery)")
	probes := fs.Int("probes", 200, "number of searches")
	nf := fs.Int("probe-fingers", 10, "fingers per probe: 10, 2 or 1")
	seed := fs.Uint64("seed", 1, "seed the gallery was generated with")
	brute := fs.Int("brute", 0, "also run this many brute-force searches for the speed-up")
	k := fs.Int("candidates", 0, "stage-1 candidates K (0: default for the probe size)")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	verbose := fs.Bool("v", false, "report each search whose rank-1 is not the mate on stderr")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the searches to `FILE` (go tool pprof)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *file == "" || *probes < 1 || (*nf != 10 && *nf != 2 && *nf != 1) {
		return usageErrorf("bench search: need --gallery FILE, --probes ≥ 1, --probe-fingers 10, 2 or 1")
	}
	g, load, err := loadSnapshotFile(*file)
	if err != nil {
		return err
	}
	r := benchResult{LoadSeconds: load.Seconds(), GalleryBytes: g.Bytes()}
	r.Persons, _ = g.Len()
	if r.Persons == 0 {
		return fmt.Errorf("bench search: %s holds no persons", *file)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return fmt.Errorf("bench search: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench search: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	rng := rand.New(rand.NewPCG(*seed, 99))
	var lat, s1, s2 []float64
	hits := 0
	t0 := time.Now()
	for range *probes {
		id := rng.IntN(r.Persons)
		probe := synthProbe(*seed, id, *nf, 1)
		ts := time.Now()
		res, err := g.Search(ctx, probe, gallery.SearchOptions{Candidates: *k})
		if err != nil {
			return err
		}
		lat = append(lat, ms(time.Since(ts)))
		s1, s2 = append(s1, ms(res.Stage1)), append(s2, ms(res.Stage2))
		if len(res.Candidates) > 0 && res.Candidates[0].SubjectID == synthID(id) {
			hits++
		} else if *verbose {
			fmt.Fprintf(stderr, "miss %s: best %+v\n", synthID(id), res.Candidates[0])
			for i, c := range res.Candidates {
				if c.SubjectID == synthID(id) {
					fmt.Fprintf(stderr, "  mate at rank %d: %+v\n", i+1, c)
				}
			}
		}
	}
	r.SearchesPerSec = float64(*probes) / time.Since(t0).Seconds()
	r.P50MS, r.P99MS = percentile(lat, 0.5), percentile(lat, 0.99)
	r.Stage1MS, r.Stage2MS = percentile(s1, 0.5), percentile(s2, 0.5)
	r.Rank1Percent = 100 * float64(hits) / float64(*probes)
	if *brute > 0 {
		var bl []float64
		for range *brute {
			probe := synthProbe(*seed, rng.IntN(r.Persons), *nf, 1)
			ts := time.Now()
			if _, err := g.Search(ctx, probe, gallery.SearchOptions{Exhaustive: true}); err != nil {
				return err
			}
			bl = append(bl, ms(time.Since(ts)))
		}
		r.BruteMS = percentile(bl, 0.5)
		r.Speedup = r.BruteMS / r.P50MS
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(stdout, "persons %d, gallery %.2f GiB, loaded in %.2f s\n", r.Persons, float64(r.GalleryBytes)/(1<<30), r.LoadSeconds)
	fmt.Fprintf(stdout, "%d-finger searches: p50 %.1f ms, p99 %.1f ms, %.1f searches/s, stage 1 %.1f ms, stage 2 %.1f ms (medians), rank-1 %.2f %%\n",
		*nf, r.P50MS, r.P99MS, r.SearchesPerSec, r.Stage1MS, r.Stage2MS, r.Rank1Percent)
	if r.BruteMS > 0 {
		fmt.Fprintf(stdout, "brute force %.1f ms median, speed-up %.1f×\n", r.BruteMS, r.Speedup)
	}
	return nil
}

// synthProbe returns impression k of n fingers of synthetic person id.
func synthProbe(seed uint64, id, n, k int) []*matcher.Template {
	var out []*matcher.Template
	for _, pos := range probePositions(n) {
		out = append(out, synth.NewFinger(synth.Options{}, seed, id, pos-1).Impression(seed, id, pos-1, k, uint8(pos)))
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile returns the q-quantile (nearest rank) of v.
func percentile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}
