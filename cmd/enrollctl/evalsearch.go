package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
	"github.com/enrolld/enrolld/matcher/gallery"
)

// evalSearchResult holds the figures of eval search, with the JSON keys of the issue.
type evalSearchResult struct {
	Persons      int     `json:"persons"`
	Mated        int     `json:"mated_searches"`
	Rank1        float64 `json:"rank1_percent"`
	FNIR         float64 `json:"fnir_percent"`
	NonMated     int     `json:"nonmated_searches"`
	FPIR         float64 `json:"fpir_percent"`
	TargetFPIR   float64 `json:"target_fpir_percent"`
	EnrolledReal int     `json:"enrolled_real_persons"`
	// Stage1Recall is the share of mated searches whose mate stage 1 (the code scan) passed
	// on; PrecisRecall the share whose mate reached the precise comparison (after pose
	// voting, for one- and two-finger probes). The rank-1 misses split into mates stage 1
	// did not pass on, mates pose voting did not pass on, and mates the precise comparison
	// ranked below an impostor.
	Stage1Recall float64 `json:"stage1_recall_percent"`
	PreciseRecal float64 `json:"precise_recall_percent"`
	MissStage1   int     `json:"misses_not_in_stage1"`
	MissPose     int     `json:"misses_not_in_pose_stage"`
	MissStage2   int     `json:"misses_outranked_in_stage2"`
	// Brute-force cross-check (--brute): exhaustive precise comparison of every person for
	// the mated searches it covers; BruteMisses counts those where even that does not rank
	// the mate first (a limit of the 1:1 comparison and fusion, not of stage 1).
	BruteSearches int     `json:"brute_searches,omitempty"`
	BruteRank1    float64 `json:"brute_rank1_percent,omitempty"`
	BruteMisses   int     `json:"brute_misses,omitempty"`
}

// runEvalSearch implements "enrollctl eval search --gallery FILE --mates DIR[@DPI]… [--pair]
// [--json]": real fingers of FVC-style folders (FINGER_IMPRESSION images) are searched in
// a gallery snapshot (typically synthetic persons). Of each folder's fingers, sorted by
// number, the first half is enrolled (impression 1) and probed with its other impressions
// (mated searches); the second half is never enrolled and probed with all its impressions
// (non-mated searches, which measure the FPIR). With --pair, folders are taken two by two
// and finger n of both forms one two-finger person (right index from the first folder,
// left index from the second), so searches use two-finger probes. Every mated search is
// also diagnosed: was the mate among stage 1's K candidates (stage-1 recall)? With --brute
// misses|all, the rank-1 misses (or all mated searches) are repeated with exhaustive precise
// comparison of every person, which tells the misses of the two-stage design from those of
// the 1:1 comparison itself.
func runEvalSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("gallery", "", "gallery snapshot")
	pair := fs.Bool("pair", false, "pair fingers of consecutive folders into two-finger persons")
	fpir := fs.Float64("fpir", 0.01, "target FPIR of the hit decision")
	k := fs.Int("candidates", 0, "stage-1 candidates K (0: default for the probe size)")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	brute := fs.String("brute", "", "cross-check mated searches by exhaustive comparison: misses or all")
	verbose := fs.Bool("v", false, "explain each rank-1 miss on stderr (no biometric data)")
	var dirs []string
	fs.Func("mates", "FVC-style folder, optionally DIR@DPI (repeatable; more folders may follow)", func(s string) error {
		dirs = append(dirs, s)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	dirs = append(dirs, fs.Args()...)
	if *brute != "" && *brute != "misses" && *brute != "all" {
		return usageErrorf("eval search: --brute must be misses or all")
	}
	if *file == "" || len(dirs) == 0 || (*pair && len(dirs)%2 != 0) {
		return usageErrorf("eval search: need --gallery FILE and --mates DIR… (an even number with --pair)")
	}
	g, _, err := loadSnapshotFile(*file)
	if err != nil {
		return err
	}
	var sets []map[int]map[int]*matcher.Template
	for _, d := range dirs {
		s, err := loadFingers(ctx, d)
		if err != nil {
			return err
		}
		sets = append(sets, s)
	}
	persons := realPersons(sets, *pair)
	ev := evaluator{g: g, o: gallery.SearchOptions{TargetFPIR: *fpir, Candidates: *k}, brute: *brute}
	if *verbose {
		ev.log = stderr
	}
	r, err := ev.run(ctx, persons)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(stdout, "gallery %d persons (%d real enrolled)\nmated searches %d: rank-1 %.2f %%, FNIR %.2f %% at target FPIR %.2f %%\nnon-mated searches %d: FPIR %.2f %%\n",
		r.Persons, r.EnrolledReal, r.Mated, r.Rank1, r.FNIR, r.TargetFPIR, r.NonMated, r.FPIR)
	fmt.Fprintf(stdout, "stage-1 recall %.2f %%, reaching precise comparison %.2f %%; rank-1 misses: %d not in stage 1, %d not past pose voting, %d outranked in stage 2\n",
		r.Stage1Recall, r.PreciseRecal, r.MissStage1, r.MissPose, r.MissStage2)
	if r.BruteSearches > 0 {
		fmt.Fprintf(stdout, "brute force on %d mated searches: rank-1 %.2f %%, %d misses\n", r.BruteSearches, r.BruteRank1, r.BruteMisses)
	}
	return nil
}

// realPerson is one real person: impressions by number, each a probe of one or two fingers.
type realPerson struct {
	id          string
	impressions map[int][]*matcher.Template
	enrolled    bool
}

// realPersons groups the folders' fingers into persons and marks the first half enrolled.
func realPersons(sets []map[int]map[int]*matcher.Template, pair bool) []realPerson {
	var out []realPerson
	step := 1
	if pair {
		step = 2
	}
	for s := 0; s < len(sets); s += step {
		fingers := make([]int, 0, len(sets[s]))
		for f := range sets[s] {
			if !pair || sets[s+1][f] != nil {
				fingers = append(fingers, f)
			}
		}
		sort.Ints(fingers)
		for i, f := range fingers {
			p := realPerson{id: fmt.Sprintf("real-%d-%d", s, f), impressions: map[int][]*matcher.Template{}, enrolled: i < len(fingers)/2}
			for k, t := range sets[s][f] {
				t.Position = 2
				if !pair {
					p.impressions[k] = []*matcher.Template{t}
					continue
				}
				if u := sets[s+1][f][k]; u != nil {
					u.Position = 7
					p.impressions[k] = []*matcher.Template{t, u}
				}
			}
			out = append(out, p)
		}
	}
	return out
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// firstImpression returns the lowest impression number of a person (-1 if none).
func firstImpression(p realPerson) int {
	first := -1
	for k := range p.impressions {
		if first < 0 || k < first {
			first = k
		}
	}
	return first
}

// loadFingers extracts every FINGER_IMPRESSION image (or reads .iso template) of a folder
// given as DIR or DIR@DPI, keyed by finger and impression.
func loadFingers(ctx context.Context, spec string) (map[int]map[int]*matcher.Template, error) {
	dir, dpi := spec, 500.0
	if i := strings.LastIndex(spec, "@"); i > 0 {
		v, err := strconv.ParseFloat(spec[i+1:], 64)
		if err != nil {
			return nil, usageErrorf("eval search: %q: bad DPI", spec)
		}
		dir, dpi = spec[:i], v
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval search: %w", err)
	}
	out := map[int]map[int]*matcher.Template{}
	for _, e := range ents {
		name := e.Name()
		base := strings.TrimSuffix(name, filepath.Ext(name))
		fs, is, ok := strings.Cut(base, "_")
		f, err1 := strconv.Atoi(fs)
		k, err2 := strconv.Atoi(is)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t, err := loadFingerTemplate(filepath.Join(dir, name), dpi)
		if err != nil {
			return nil, fmt.Errorf("eval search: %w", err)
		}
		if out[f] == nil {
			out[f] = map[int]*matcher.Template{}
		}
		out[f][k] = t
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("eval search: %s: no FINGER_IMPRESSION images", dir)
	}
	return out, nil
}

// loadFingerTemplate reads an ISO template or extracts one from an image.
func loadFingerTemplate(path string, dpi float64) (*matcher.Template, error) {
	if strings.EqualFold(filepath.Ext(path), ".iso") {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		ts, err := matcher.DecodeISO(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &ts[0], nil
	}
	img, err := loadImage(path)
	if err != nil {
		return nil, err
	}
	res, err := extract.Extract(img, extract.Options{DPI: dpi})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res.Template, nil
}
