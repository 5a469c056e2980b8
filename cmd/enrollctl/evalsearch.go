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
}

// runEvalSearch implements "enrollctl eval search --gallery FILE --mates DIR[@DPI]… [--pair]
// [--json]": real fingers of FVC-style folders (FINGER_IMPRESSION images) are searched in
// a gallery snapshot (typically synthetic persons). Of each folder's fingers, sorted by
// number, the first half is enrolled (impression 1) and probed with its other impressions
// (mated searches); the second half is never enrolled and probed with all its impressions
// (non-mated searches, which measure the FPIR). With --pair, folders are taken two by two
// and finger n of both forms one two-finger person (right index from the first folder,
// left index from the second), so searches use two-finger probes.
func runEvalSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("gallery", "", "gallery snapshot")
	pair := fs.Bool("pair", false, "pair fingers of consecutive folders into two-finger persons")
	fpir := fs.Float64("fpir", 0.01, "target FPIR of the hit decision")
	k := fs.Int("candidates", 0, "stage-1 candidates K (0: default for the probe size)")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	var dirs []string
	fs.Func("mates", "FVC-style folder, optionally DIR@DPI (repeatable; more folders may follow)", func(s string) error {
		dirs = append(dirs, s)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	dirs = append(dirs, fs.Args()...)
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
	r, err := evalPersons(ctx, g, persons, gallery.SearchOptions{TargetFPIR: *fpir, Candidates: *k})
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

// evalPersons enrols the first impression of enrolled persons and runs all searches.
func evalPersons(ctx context.Context, g *gallery.Gallery, persons []realPerson, o gallery.SearchOptions) (*evalSearchResult, error) {
	r := &evalSearchResult{TargetFPIR: 100 * o.TargetFPIR}
	for _, p := range persons {
		first := firstImpression(p)
		if !p.enrolled || first < 0 {
			continue
		}
		gp := gallery.Person{SubjectID: p.id}
		for _, t := range p.impressions[first] {
			gp.Fingers[t.Position] = matcher.Pack(t)
		}
		if err := g.Put(&gp); err != nil {
			return nil, fmt.Errorf("eval search: enrol %s: %w", p.id, err)
		}
		r.EnrolledReal++
	}
	r.Persons, _ = g.Len()
	var rank1, fn, fp int
	for _, p := range persons {
		first := firstImpression(p)
		for k, probe := range p.impressions {
			if p.enrolled && k == first {
				continue
			}
			res, err := g.Search(ctx, probe, o)
			if err != nil {
				return nil, err
			}
			top := len(res.Candidates) > 0 && res.Candidates[0].SubjectID == p.id
			if p.enrolled {
				r.Mated++
				if top {
					rank1++
				}
				if !top || !res.Hit {
					fn++
				}
			} else {
				r.NonMated++
				if res.Hit {
					fp++
				}
			}
		}
	}
	r.Rank1 = pct(rank1, r.Mated)
	r.FNIR = pct(fn, r.Mated)
	r.FPIR = pct(fp, r.NonMated)
	return r, nil
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
