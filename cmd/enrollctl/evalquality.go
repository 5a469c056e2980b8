package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"sort"

	"github.com/enrolld/enrolld/matcher"
)

// runEvalQuality implements "enrollctl eval quality DIR [--dpi N] [--json]": the
// error-versus-reject curve of the image quality score. The threshold is fixed where the
// folder's impostor comparisons reach FMR 1 %; then the lowest-quality images are
// rejected in steps and the FNMR of the genuine comparisons left is reported. A useful
// quality score makes the FNMR fall as more is rejected.
func runEvalQuality(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval quality", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dpi := fs.Float64("dpi", 500, "image resolution in dots per inch")
	asJSON := fs.Bool("json", false, "print the curve as JSON")
	dir, err := parseWithPositional(fs, args)
	if err != nil {
		return err
	}
	runtime.GOMAXPROCS(1)
	set, err := loadFVC(ctx, dir, *dpi, stderr)
	if err != nil {
		return err
	}
	curve := set.errorVersusReject([]float64{0, 0.05, 0.10, 0.15, 0.20, 0.30})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(curve)
	}
	fmt.Fprintf(stdout, "threshold at FMR 1 %%; quality of the images: min %d, median %d, max %d\n",
		curve.QualityMin, curve.QualityMedian, curve.QualityMax)
	fmt.Fprintln(stdout, "rejected %  genuine left  FNMR %")
	for _, p := range curve.Points {
		fmt.Fprintf(stdout, "%10.0f  %12d  %6.2f\n", 100*p.Rejected, p.Genuine, p.FNMR)
	}
	return nil
}

// evrPoint is one point of an error-versus-reject curve.
type evrPoint struct {
	Rejected float64 `json:"rejected_fraction"`
	Genuine  int     `json:"genuine"`
	FNMR     float64 `json:"fnmr_percent"`
}

type evrCurve struct {
	QualityMin    uint8      `json:"quality_min"`
	QualityMedian uint8      `json:"quality_median"`
	QualityMax    uint8      `json:"quality_max"`
	Points        []evrPoint `json:"points"`
}

// errorVersusReject computes the FNMR at the FMR-1 % threshold after rejecting each
// fraction of the lowest-quality images.
func (s *fvcSet) errorVersusReject(fractions []float64) evrCurve {
	var cmp matcher.Comparator
	type gpair struct {
		a, b  int
		score float64
	}
	var gen []gpair
	var imp []float64
	for i := range s.items {
		for j := i + 1; j < len(s.items); j++ {
			v := cmp.Compare(s.items[i].prep, s.items[j].prep)
			if s.items[i].finger == s.items[j].finger {
				gen = append(gen, gpair{i, j, v})
			} else {
				imp = append(imp, v)
			}
		}
	}
	sort.Float64s(imp)
	thr := imp[len(imp)-1-len(imp)/100] // scores above it are at most 1 % of impostors
	order := make([]int, len(s.items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return s.items[order[a]].quality < s.items[order[b]].quality })
	c := evrCurve{
		QualityMin:    s.items[order[0]].quality,
		QualityMedian: s.items[order[len(order)/2]].quality,
		QualityMax:    s.items[order[len(order)-1]].quality,
	}
	for _, f := range fractions {
		rejected := make([]bool, len(s.items))
		for _, i := range order[:int(f*float64(len(order))+0.5)] {
			rejected[i] = true
		}
		p := evrPoint{Rejected: f}
		miss := 0
		for _, g := range gen {
			if rejected[g.a] || rejected[g.b] {
				continue
			}
			p.Genuine++
			if g.score <= thr {
				miss++
			}
		}
		if p.Genuine > 0 {
			p.FNMR = 100 * float64(miss) / float64(p.Genuine)
		}
		c.Points = append(c.Points, p)
	}
	return c
}
