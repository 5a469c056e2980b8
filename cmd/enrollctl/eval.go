package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// runEval implements "enrollctl eval compare DIR [--dpi N] [--json] [--impostors all|first]":
// the FVC verification protocol over a folder of FINGER_IMPRESSION images.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "calibrate" {
		return runEvalCalibrate(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "quality" {
		return runEvalQuality(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "search" {
		return runEvalSearch(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "compare" {
		fmt.Fprintln(stderr, "usage: enrollctl eval compare DIR [--dpi N] [--json] [--impostors all|first]\n       enrollctl eval quality DIR[@DPI]… [--dpi N] [--reject pairs|images] [--fmr F] [--json]\n       enrollctl eval calibrate DIR[@DPI]…\n       enrollctl eval search --gallery FILE --mates DIR… [--json]")
		return usageErrorf("eval: unknown or missing sub-command (want compare, quality, calibrate or search)")
	}
	fs := flag.NewFlagSet("eval compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dpi := fs.Float64("dpi", 500, "image resolution in dots per inch")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	imp := fs.String("impostors", "all", "impostor pairs: all (every pair of different fingers) or first (first impressions only)")
	dir, err := parseWithPositional(fs, args[1:])
	if err != nil {
		return err
	}
	if *imp != "all" && *imp != "first" {
		return fmt.Errorf("eval: --impostors %q: want all or first", *imp)
	}
	// The figures are per core: one thread does all the work and is timed by its CPU time.
	runtime.GOMAXPROCS(1)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	set, err := loadFVC(ctx, dir, *dpi, stderr)
	if err != nil {
		return err
	}
	r, err := set.run(ctx, *imp == "first")
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(stdout, "images %d (%.1f minutiae each), genuine %d, impostor %d\n",
		len(set.items), float64(set.minutiae)/float64(len(set.items)), r.Genuine, r.Impostor)
	fmt.Fprintf(stdout, "EER %.2f %%\nFNMR at FMR 1 %%: %.2f %%\nFNMR at FMR 0.1 %%: %.2f %%\nFNMR at FMR 0: %.2f %%\n",
		r.EER, r.FNMR1, r.FNMR01, r.FNMR0)
	fmt.Fprintf(stdout, "extraction median %.2f ms per image\ncomparisons per second (one core) %.0f\n", r.ExtractMS, r.CPS)
	return nil
}

// parseWithPositional parses flags around exactly one positional argument.
func parseWithPositional(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseInterleaved(fs, args)
	switch {
	case err != nil:
		return "", err
	case len(pos) == 0:
		return "", fmt.Errorf("%s: missing DIR", fs.Name())
	case len(pos) > 1:
		return "", fmt.Errorf("%s: unexpected arguments %q", fs.Name(), pos[1:])
	}
	return pos[0], nil
}

// splitDirDPI splits an image folder given as DIR@DPI (or DIR:DPI) into the folder and its
// resolution; a bare DIR has def dots per inch.
func splitDirDPI(spec string, def float64) (string, float64, error) {
	i := strings.LastIndexAny(spec, "@:")
	if i <= 0 {
		return spec, def, nil
	}
	v, err := strconv.ParseFloat(spec[i+1:], 64)
	if err != nil || v < 100 || v > 5000 {
		return "", 0, usageErrorf("%q: the resolution after %q must be a number of dots per inch", spec, spec[i])
	}
	return spec[:i], v, nil
}

// evalResult holds the figures of eval compare, with the JSON keys of the issue.
type evalResult struct {
	Genuine   int     `json:"genuine"`
	Impostor  int     `json:"impostor"`
	EER       float64 `json:"eer_percent"`
	FNMR1     float64 `json:"fnmr_at_fmr1_percent"`
	FNMR01    float64 `json:"fnmr_at_fmr01_percent"`
	FNMR0     float64 `json:"fnmr_at_fmr0_percent"`
	ExtractMS float64 `json:"extract_ms_median"`
	CPS       float64 `json:"comparisons_per_second"`
}

// fvcItem is one image of an FVC-style folder.
type fvcItem struct {
	finger, impression int
	quality            uint8
	prep               *matcher.Prepared
}

type fvcSet struct {
	items     []fvcItem
	extractMS []float64
	minutiae  int
}

var fvcName = regexp.MustCompile(`^(\d+)_(\d+)\.(?i:png|pgm|pnm)$`)

// loadFVC extracts every FINGER_IMPRESSION image of dir, timing each extraction.
func loadFVC(ctx context.Context, dir string, dpi float64, stderr io.Writer) (*fvcSet, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	s := &fvcSet{}
	for _, e := range ents {
		m := fvcName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, err := loadImage(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		t0 := threadCPU()
		res, err := extract.Extract(img, extract.Options{DPI: dpi})
		s.extractMS = append(s.extractMS, float64((threadCPU()-t0).Microseconds())/1000)
		if err != nil {
			return nil, fmt.Errorf("eval: %s: %w", e.Name(), err)
		}
		s.minutiae += len(res.Template.Minutiae)
		f, _ := strconv.Atoi(m[1])
		i, _ := strconv.Atoi(m[2])
		s.items = append(s.items, fvcItem{finger: f, impression: i, quality: res.Template.Quality, prep: matcher.Prepare(res.Template)})
	}
	if len(s.items) < 2 {
		return nil, fmt.Errorf("eval: %s: fewer than two FINGER_IMPRESSION images", dir)
	}
	sort.Slice(s.items, func(a, b int) bool {
		if s.items[a].finger != s.items[b].finger {
			return s.items[a].finger < s.items[b].finger
		}
		return s.items[a].impression < s.items[b].impression
	})
	return s, nil
}

// run compares the FVC pairs and computes the figures.
func (s *fvcSet) run(ctx context.Context, firstOnly bool) (*evalResult, error) {
	var cmp matcher.Comparator
	var gen, imp []float64
	type pr struct{ a, b *matcher.Prepared }
	var impPairs []pr
	firstImp := map[int]int{}
	for _, it := range s.items {
		if v, ok := firstImp[it.finger]; !ok || it.impression < v {
			firstImp[it.finger] = it.impression
		}
	}
	for i := range s.items {
		for j := i + 1; j < len(s.items); j++ {
			a, b := s.items[i], s.items[j]
			switch {
			case a.finger == b.finger:
				gen = append(gen, cmp.Compare(a.prep, b.prep))
			case !firstOnly || (a.impression == firstImp[a.finger] && b.impression == firstImp[b.finger]):
				impPairs = append(impPairs, pr{a.prep, b.prep})
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	var elapsed time.Duration
	n := 0
	for rounds := 0; rounds == 0 || (elapsed < time.Second && len(impPairs) > 0); rounds++ {
		t0 := threadCPU()
		for _, p := range impPairs {
			v := cmp.Compare(p.a, p.b)
			if rounds == 0 {
				imp = append(imp, v)
			}
		}
		elapsed += threadCPU() - t0
		n += len(impPairs)
	}
	e := matcher.Evaluate(gen, imp)
	r := &evalResult{
		Genuine: e.Genuine, Impostor: e.Impostor,
		EER: 100 * e.EER, FNMR1: 100 * e.FNMRAtFMR1, FNMR01: 100 * e.FNMRAtFMR01, FNMR0: 100 * e.FNMRAtFMR0,
		ExtractMS: median(s.extractMS),
	}
	if elapsed > 0 {
		r.CPS = float64(n) / elapsed.Seconds()
	}
	return r, nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
