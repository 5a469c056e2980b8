package extract_test

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// nfiq2Dir holds NIST's NFIQ 2 example images with NFIQ 2's expected output.
const nfiq2Dir = "../../../shared/data/nfiq2"

// nfiq2Example is one example image, our assessment and NFIQ 2's published values.
type nfiq2Example struct {
	name  string
	ours  extract.Quality
	nfiq2 map[string]float64
}

func loadNFIQ2(tb testing.TB) []nfiq2Example {
	tb.Helper()
	names, _ := filepath.Glob(filepath.Join(nfiq2Dir, "*.pgm"))
	if len(names) == 0 {
		tb.Skipf("NFIQ 2 examples not available at %s", nfiq2Dir)
	}
	sort.Strings(names)
	var out []nfiq2Example
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		img, err := extract.DecodePGM(b)
		if err != nil {
			tb.Fatal(err)
		}
		r, err := extract.Extract(img, extract.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		want, err := readNFIQ2Output(strings.TrimSuffix(n, ".pgm") + "_output.txt")
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, nfiq2Example{strings.TrimSuffix(filepath.Base(n), ".pgm"), r.Quality, want})
	}
	return out
}

// readNFIQ2Output parses NFIQ 2's "Name: value" lines.
func readNFIQ2Output(path string) (map[string]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
		}
		m[strings.TrimSpace(k)] = f
	}
	return m, sc.Err()
}

// nfiq2Pairs maps our measures to NFIQ 2's feature of the same definition.
var nfiq2Pairs = []struct {
	nfiq2 string
	ours  func(q extract.Quality) float64
}{
	{"UnifiedQualityScore", func(q extract.Quality) float64 { return float64(q.Score) }},
	{"OCL_Bin10_Mean", func(q extract.Quality) float64 { return q.OrientationCertainty }},
	{"OrientationMap_ROIFilter_CoherenceRel", func(q extract.Quality) float64 { return q.Coherence }},
	{"LCS_Bin10_Mean", func(q extract.Quality) float64 { return q.Clarity }},
	{"FDA_Bin10_Mean", func(q extract.Quality) float64 { return q.FrequencyDomain }},
	{"RVUP_Bin10_Mean", func(q extract.Quality) float64 { return q.RidgeValleyRatio }},
	{"RVUP_Bin10_StdDev", func(q extract.Quality) float64 { return q.RidgeValleyUniformity }},
	{"OF_Bin10_Mean", func(q extract.Quality) float64 { return q.OrientationFlow }},
	{"FingerJetFX_MinutiaeCount", func(q extract.Quality) float64 { return float64(q.Minutiae) }},
	{"FingerJetFX_MinCount_COMMinRect200x200", func(q extract.Quality) float64 { return float64(q.MinutiaeCentral) }},
	{"FJFXPos_OCL_MinutiaeQuality_80", func(q extract.Quality) float64 { return q.MinutiaeCertain }},
	{"FJFXPos_Mu_MinutiaeQuality_2", func(q extract.Quality) float64 { return q.MinutiaeContrast }},
	{"ImgProcROIArea_Mean", func(q extract.Quality) float64 { return q.ForegroundGrey }},
	{"Mu", func(q extract.Quality) float64 { return q.MeanGrey }},
}

// TestQualityVersusNFIQ2 prints our measures beside NFIQ 2's on its five examples
// (go test -run NFIQ2 -v) and checks the measures that share NFIQ 2's definition.
func TestQualityVersusNFIQ2(t *testing.T) {
	ex := loadNFIQ2(t)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-40s", "measure (ours / NFIQ 2)")
	for _, e := range ex {
		fmt.Fprintf(&sb, " %17s", strings.TrimPrefix(e.name, "SFinGe_"))
	}
	sb.WriteByte('\n')
	for _, p := range nfiq2Pairs {
		fmt.Fprintf(&sb, "%-40s", p.nfiq2)
		for _, e := range ex {
			fmt.Fprintf(&sb, " %8.3f/%8.3f", p.ours(e.ours), e.nfiq2[p.nfiq2])
		}
		sb.WriteByte('\n')
	}
	t.Log("\n" + sb.String())
}

// spearman returns the rank correlation of a and b (no ties expected).
func spearman(a, b []float64) float64 {
	rank := func(v []float64) []float64 {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return v[idx[i]] < v[idx[j]] })
		r := make([]float64, len(v))
		for k, i := range idx {
			r[i] = float64(k)
		}
		return r
	}
	ra, rb := rank(a), rank(b)
	n := float64(len(a))
	var d2 float64
	for i := range ra {
		d2 += (ra[i] - rb[i]) * (ra[i] - rb[i])
	}
	return 1 - 6*d2/(n*(n*n-1))
}

// TestQualityMeasuresMatchNFIQ2 checks the measures defined as NFIQ 2's against its
// published values on the examples, and that the score ranks them as NFIQ 2 does.
func TestQualityMeasuresMatchNFIQ2(t *testing.T) {
	ex := loadNFIQ2(t)
	tol := map[string]float64{ // same definition: absolute agreement
		"OCL_Bin10_Mean":                        0.05,
		"OrientationMap_ROIFilter_CoherenceRel": 0.05,
		"FDA_Bin10_Mean":                        0.03,
	}
	for _, p := range nfiq2Pairs {
		var ours, theirs []float64
		for _, e := range ex {
			o, w := p.ours(e.ours), e.nfiq2[p.nfiq2]
			ours, theirs = append(ours, o), append(theirs, w)
			if d, ok := tol[p.nfiq2]; ok && (o-w > d || w-o > d) {
				t.Errorf("%s %s: ours %.3f, NFIQ 2 %.3f", e.name, p.nfiq2, o, w)
			}
		}
		switch p.nfiq2 {
		case "UnifiedQualityScore", "LCS_Bin10_Mean", "OCL_Bin10_Mean", "FDA_Bin10_Mean":
			if r := spearman(ours, theirs); r < 0.7 {
				t.Errorf("%s: rank correlation with NFIQ 2 %.2f over the examples (ours %v, NFIQ 2 %v)", p.nfiq2, r, ours, theirs)
			}
		}
	}
}

// degrade returns a copy of img with each pixel passed through f(x, y, value).
func degrade(img *image.Gray, f func(x, y int, v float64) float64) *image.Gray {
	out := image.NewGray(img.Bounds())
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := f(x, y, float64(img.GrayAt(x, y).Y))
			out.SetGray(x, y, color.Gray{Y: uint8(math.Max(0, math.Min(255, math.Round(v))))})
		}
	}
	return out
}

// TestQualityDegrades checks that noise and wet, merged ridges lower the score and the
// measures that describe them, on a synthetic print.
func TestQualityDegrades(t *testing.T) {
	clean := synthetic(320, 360)
	rng := rand.New(rand.NewPCG(1, 2))
	noisy := degrade(clean, func(_, _ int, v float64) float64 { return v + rng.NormFloat64()*70 })
	// wet: ridges spread into the valleys (a 5-pixel minimum filter), valleys left thin
	wet := degrade(clean, func(x, y int, v float64) float64 {
		m := v
		for d := -2; d <= 2; d++ {
			m = math.Min(m, float64(clean.GrayAt(x+d, y).Y))
			m = math.Min(m, float64(clean.GrayAt(x, y+d).Y))
		}
		return m
	})
	q := func(img *image.Gray) extract.Quality {
		r, err := extract.Extract(img, extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Quality
	}
	c, n, w := q(clean), q(noisy), q(wet)
	t.Logf("clean %+v\nnoisy %+v\nwet %+v", c, n, w)
	if n.Score >= c.Score || n.FrequencyDomain >= c.FrequencyDomain || n.Clarity >= c.Clarity {
		t.Errorf("noise: score %d→%d, FDA %.3f→%.3f, LCS %.3f→%.3f; want all lower", c.Score, n.Score, c.FrequencyDomain, n.FrequencyDomain, c.Clarity, n.Clarity)
	}
	if w.Score >= c.Score || w.RidgeValleyRatio <= c.RidgeValleyRatio {
		t.Errorf("wet: score %d→%d, ridge/valley ratio %.2f→%.2f; want lower score, wider ridges", c.Score, w.Score, c.RidgeValleyRatio, w.RidgeValleyRatio)
	}
	if c.FrequencyDomain < 0.5 || c.RidgeValleyUniformity > 0.3 || c.OrientationCertainty < 0.9 {
		t.Errorf("clean synthetic print: FDA %.3f, RVU %.3f, OCL %.3f; want a regular pattern", c.FrequencyDomain, c.RidgeValleyUniformity, c.OrientationCertainty)
	}
}

// TestQualityPredictsMatching runs the error-versus-discard check on FVC2002 DB3 (the
// database with the most non-matches): discarding the fifth of the genuine comparisons
// with the lowest pair quality min(qa, qb) must lower the false non-match rate at the
// threshold fixed at FMR 1 % beforehand.
func TestQualityPredictsMatching(t *testing.T) {
	imgs, ids := loadFVC(t, "DB3_B", 10, 8)
	var ps []*matcher.Prepared
	var qs []int
	for _, img := range imgs {
		r, err := extract.Extract(img, extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, matcher.Prepare(r.Template))
		qs = append(qs, int(r.Quality.Score))
	}
	type pair struct {
		q     int
		score float64
	}
	var gen []pair
	var imp []float64
	var c matcher.Comparator
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			s := c.Compare(ps[i], ps[j])
			if ids[i][0] == ids[j][0] {
				gen = append(gen, pair{min(qs[i], qs[j]), s})
			} else {
				imp = append(imp, s)
			}
		}
	}
	sort.Float64s(imp)
	thr := imp[len(imp)-1-len(imp)/100] // genuine scores above it pass at FMR ≤ 1 %
	fnmr := func(ps []pair) float64 {
		miss := 0
		for _, p := range ps {
			if p.score <= thr {
				miss++
			}
		}
		return 100 * float64(miss) / float64(len(ps))
	}
	sort.SliceStable(gen, func(a, b int) bool { return gen[a].q < gen[b].q })
	all, kept := fnmr(gen), fnmr(gen[len(gen)/5:])
	t.Logf("DB3: FNMR %.2f %% of %d genuine pairs; %.2f %% after discarding the lowest-quality fifth", all, len(gen), kept)
	if kept >= all {
		t.Errorf("discarding the lowest-quality fifth of the genuine pairs did not lower the FNMR: %.2f %% → %.2f %%", all, kept)
	}
}
