package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strings"

	"github.com/enrolld/enrolld/matcher"
)

// runEvalQuality implements "enrollctl eval quality DIR[@DPI]… [--dpi N] [--json]
// [--reject pairs|images] [--fmr F]": the error-versus-reject curve (the "error versus discard
// characteristic", EDC, of ISO/IEC 29794-1 and of Grother and Tabassi's evaluation of
// quality measures) of the image quality score.
//
// Every pair of the folder is compared once (genuine: impressions of the same finger;
// impostor: impressions of different fingers). The decision threshold is fixed first,
// on all comparisons, as the lowest score at which at most a fraction F (--fmr, 1 % by
// default) of the impostor comparisons are accepted (a comparison is accepted when its
// score is at least the threshold), so the 0 % point equals "FNMR at FMR 1 %" (or
// 0.1 % with --fmr 0.001) of eval compare. A stricter threshold leaves more misses to
// discard, so the curve says more when the matcher misses only a handful at 1 %. The threshold
// then stays fixed while low-quality samples are discarded:
//
//   - pairs (the default, the standard EDC): each genuine comparison has the pair
//     quality min(qa, qb) of its two images; the given fraction of the genuine
//     comparisons with the lowest pair quality is discarded and the FNMR recomputed on
//     the rest. Comparisons tied at the cut-off are discarded in part: the FNMR counts
//     the expected misses as if the ties were broken at random, so no arbitrary order
//     (file name, score) decides.
//   - images: the given fraction of the images with the lowest quality is discarded
//     (ties likewise in expectation), and with them every genuine comparison involving
//     one; the FNMR is that of the comparisons left.
//
// Several folders (databases) are pooled: each keeps its own threshold, the qualities
// share one scale, and the lowest fraction is discarded over the pool, which steadies
// the curve when each folder has only a handful of misses.
//
// A useful quality score makes the FNMR fall as more is discarded.
func runEvalQuality(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval quality", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dpi := fs.Float64("dpi", 500, "image resolution in dots per inch (for folders given without @DPI)")
	asJSON := fs.Bool("json", false, "print the curve as JSON")
	fmr := fs.Float64("fmr", 0.01, "false-match rate at which the threshold is fixed (0.01 = 1 %)")
	reject := fs.String("reject", "pairs", "what is discarded: pairs (genuine comparisons by min of the two qualities) or images")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usageErrorf("eval quality: usage: enrollctl eval quality DIR[@DPI]… [--reject pairs|images] [--fmr F] [--json]")
	}
	if *reject != "pairs" && *reject != "images" {
		return fmt.Errorf("eval quality: --reject %q: want pairs or images", *reject)
	}
	if *fmr <= 0 || *fmr >= 1 {
		return fmt.Errorf("eval quality: --fmr %v: want a fraction between 0 and 1", *fmr)
	}
	runtime.GOMAXPROCS(1)
	var pool evrPool
	for _, spec := range dirs {
		dir, res, err := splitDirDPI(spec, *dpi)
		if err != nil {
			return fmt.Errorf("eval quality: %w", err)
		}
		set, err := loadFVC(ctx, dir, res, stderr)
		if err != nil {
			return err
		}
		pool.add(set, *fmr)
	}
	curve := pool.curve(evrFractions, *fmr, *reject == "images")
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(curve)
	}
	fmt.Fprintf(stdout, "threshold at FMR %g %% (%s), fixed; discarding %s; image quality min %d, median %d, max %d\n",
		100*curve.FMR, curve.thresholds(), curve.Reject, curve.QualityMin, curve.QualityMedian, curve.QualityMax)
	fmt.Fprintln(stdout, "discarded %  genuine left  quality cut  FNMR %")
	for _, p := range curve.Points {
		fmt.Fprintf(stdout, "%11.0f  %12.1f  %11d  %6.2f\n", 100*p.Rejected, p.Genuine, p.Cut, p.FNMR)
	}
	return nil
}

// evrFractions are the discarded fractions the curve reports.
var evrFractions = []float64{0, 0.05, 0.10, 0.15, 0.20, 0.30}

// evrPoint is one point of an error-versus-reject curve.
type evrPoint struct {
	Rejected float64 `json:"rejected_fraction"`
	// Genuine is the (expected) number of genuine comparisons left.
	Genuine float64 `json:"genuine"`
	// Cut is the quality at the cut-off: everything below it is discarded, some of
	// what equals it.
	Cut  int     `json:"quality_cut"`
	FNMR float64 `json:"fnmr_percent"`
}

type evrCurve struct {
	Reject        string     `json:"reject"`
	FMR           float64    `json:"fmr"`
	Thresholds    []float64  `json:"thresholds"` // one per folder, in the order given
	QualityMin    uint8      `json:"quality_min"`
	QualityMedian uint8      `json:"quality_median"`
	QualityMax    uint8      `json:"quality_max"`
	Points        []evrPoint `json:"points"`
}

// evrPool gathers the comparisons of one or more folders. Each folder's threshold is
// fixed at the FMR on its own impostors, and its genuine scores are kept relative to that
// threshold, so the pooled curve counts a miss exactly when the folder's own threshold
// would; image qualities are on one scale and are pooled as they are.
type evrPool struct {
	gen        []evrGenuine // scores minus their folder's threshold
	qs         []int
	thresholds []float64
}

// add compares every pair of the set once and adds it to the pool.
func (p *evrPool) add(s *fvcSet, fmr float64) {
	var cmp matcher.Comparator
	var gen []evrGenuine
	var imp []float64
	base := len(p.qs)
	for i := range s.items {
		for j := i + 1; j < len(s.items); j++ {
			v := cmp.Compare(s.items[i].prep, s.items[j].prep)
			if s.items[i].finger == s.items[j].finger {
				gen = append(gen, evrGenuine{base + i, base + j, v})
			} else {
				imp = append(imp, v)
			}
		}
	}
	thr := thresholdAtFMR(imp, fmr)
	for _, g := range gen {
		g.score -= thr
		p.gen = append(p.gen, g)
	}
	for _, it := range s.items {
		p.qs = append(p.qs, int(it.quality))
	}
	p.thresholds = append(p.thresholds, thr)
}

// curve computes the error-versus-reject curve of the pool.
func (p *evrPool) curve(fractions []float64, fmr float64, byImage bool) evrCurve {
	sorted := append([]int(nil), p.qs...)
	sort.Ints(sorted)
	c := evrCurve{Reject: "pairs", FMR: fmr, Thresholds: p.thresholds}
	if len(sorted) > 0 {
		c.QualityMin, c.QualityMedian, c.QualityMax = uint8(sorted[0]), uint8(sorted[len(sorted)/2]), uint8(sorted[len(sorted)-1])
	}
	if byImage {
		c.Reject = "images"
		c.Points = edcImages(p.gen, p.qs, 0, fractions)
	} else {
		c.Points = edcPairs(p.gen, p.qs, 0, fractions)
	}
	return c
}

// thresholds formats the folders' thresholds for the text output.
func (c evrCurve) thresholds() string {
	var b strings.Builder
	for i, t := range c.Thresholds {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%.4f", t)
	}
	return b.String()
}

// evrGenuine is one genuine comparison: the indices of its two images and its score.
type evrGenuine struct {
	a, b  int
	score float64
}

// thresholdAtFMR returns the lowest threshold t (taken from the impostor scores, or +Inf)
// at which the fraction of impostor scores ≥ t is at most fmr.
func thresholdAtFMR(imp []float64, fmr float64) float64 {
	s := append([]float64(nil), imp...)
	sort.Float64s(s)
	allowed := int(math.Floor(fmr * float64(len(s))))
	// accepting scores ≥ t where t is just above s[n-1-allowed] accepts at most allowed
	if len(s) == 0 {
		return math.Inf(-1)
	}
	return math.Nextafter(s[len(s)-1-allowed], math.Inf(1))
}

// edcPairs discards the genuine comparisons with the lowest pair quality min(qa, qb).
func edcPairs(gen []evrGenuine, qs []int, thr float64, fractions []float64) []evrPoint {
	pq := make([]int, len(gen))
	miss := make([]bool, len(gen))
	for k, g := range gen {
		pq[k] = min(qs[g.a], qs[g.b])
		miss[k] = g.score < thr
	}
	var pts []evrPoint
	for _, f := range fractions {
		pts = append(pts, discard(pq, miss, f))
	}
	return pts
}

// discard removes the fraction f of the items with the lowest quality (ties at the
// cut-off in expectation) and returns the share of misses among the rest.
func discard(q []int, miss []bool, f float64) evrPoint {
	n := float64(len(q))
	k := f * n // how many to discard
	idx := make([]int, len(q))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return q[idx[a]] < q[idx[b]] })
	p := evrPoint{Rejected: f}
	var left, missLeft float64
	for i := 0; i < len(idx); {
		j := i
		var m float64
		for j < len(idx) && q[idx[j]] == q[idx[i]] {
			if miss[idx[j]] {
				m++
			}
			j++
		}
		size := float64(j - i)
		gone := math.Max(0, math.Min(size, k-float64(i)))
		if gone > 0 {
			p.Cut = q[idx[i]]
		}
		keep := (size - gone) / size
		left += size * keep
		missLeft += m * keep
		i = j
	}
	p.Genuine = left
	if left > 0 {
		p.FNMR = 100 * missLeft / left
	}
	return p
}

// edcImages discards the fraction of the images with the lowest quality and every
// genuine comparison involving one. Images tied at the cut-off are discarded with equal
// probability; a comparison survives with the product of its images' survival
// probabilities.
func edcImages(gen []evrGenuine, qs []int, thr float64, fractions []float64) []evrPoint {
	var pts []evrPoint
	for _, f := range fractions {
		keep, cut := imageSurvival(qs, f)
		p := evrPoint{Rejected: f, Cut: cut}
		var missLeft float64
		for _, g := range gen {
			w := keep[g.a] * keep[g.b]
			if g.a != g.b && qs[g.a] == qs[g.b] && keep[g.a] > 0 && keep[g.a] < 1 {
				// two tied images: both survive with probability (m−r)(m−r−1)/(m(m−1))
				w = keep[g.a] * pairKeepCorrection(qs, g.a, f)
			}
			p.Genuine += w
			if g.score < thr {
				missLeft += w
			}
		}
		if p.Genuine > 0 {
			p.FNMR = 100 * missLeft / p.Genuine
		}
		pts = append(pts, p)
	}
	return pts
}

// imageSurvival returns, per image, the probability that it survives discarding the
// fraction f of the lowest-quality images, and the quality at the cut-off.
func imageSurvival(qs []int, f float64) ([]float64, int) {
	k := f * float64(len(qs))
	keep := make([]float64, len(qs))
	cut := 0
	for i, q := range qs {
		below, tied := groupOf(qs, q)
		gone := math.Max(0, math.Min(float64(tied), k-float64(below)))
		keep[i] = 1 - gone/float64(tied)
		if gone > 0 && q > cut {
			cut = q
		}
	}
	return keep, cut
}

// pairKeepCorrection is the probability that a second image tied with image a survives
// given that a survives.
func pairKeepCorrection(qs []int, a int, f float64) float64 {
	below, tied := groupOf(qs, qs[a])
	if tied < 2 {
		return 1
	}
	gone := math.Max(0, math.Min(float64(tied), f*float64(len(qs))-float64(below)))
	return math.Max(0, (float64(tied)-gone-1)/float64(tied-1))
}

// groupOf returns how many qualities are below q and how many equal it.
func groupOf(qs []int, q int) (below, tied int) {
	for _, v := range qs {
		if v < q {
			below++
		} else if v == q {
			tied++
		}
	}
	return below, tied
}
