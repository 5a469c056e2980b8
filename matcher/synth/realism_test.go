package synth

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// labelled is a prepared template with the identity of its finger.
type labelled struct {
	finger string
	p      *matcher.Prepared
}

// impostorScores returns the scores of up to pairs pairs of different fingers from a and b
// (each unordered pair once when a and b are the same set).
func impostorScores(a, b []labelled, pairs int) []float64 {
	var c matcher.Comparator
	same := &a[0] == &b[0] && len(a) == len(b)
	var out []float64
	for i := range a {
		for j := range b {
			if (same && j <= i) || a[i].finger == b[j].finger {
				continue
			}
			if len(out) >= pairs {
				return out
			}
			out = append(out, c.Compare(a[i].p, b[j].p))
		}
	}
	return out
}

// fmrAt returns the fraction of scores at least thr.
func fmrAt(scores []float64, thr float64) float64 {
	hit := 0
	for _, s := range scores {
		if s >= thr {
			hit++
		}
	}
	return float64(hit) / float64(max(len(scores), 1))
}

// median returns the median of v.
func median(v []float64) float64 { return quantile(v, 0.5) }

// quantile returns the q-quantile (nearest rank) of v.
func quantile(v []float64, q float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// fvcDir is the FVC2002 set B images of the shared test data, relative to this package.
const fvcDir = "../../../shared/data/fvc2002"

// fvcDPI is the resolution of each database (DB2 is 569 dpi, the others 500).
var fvcDPI = [4]float64{500, 569, 500, 500}

// loadReal returns the 320 FVC2002 set B templates sorted by database and name: read from
// ISO records dir/DBn_B/F_I.iso when ENROLLD_FVC_TEMPLATES names such a folder (made by
// enrollctl extract … --out DIR/DBn_B), else extracted here from the images in fvcDir.
func loadReal(t *testing.T) []labelled {
	t.Helper()
	var real []labelled
	if dir := os.Getenv("ENROLLD_FVC_TEMPLATES"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.iso"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ts, err := matcher.DecodeISO(b)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			real = append(real, labelled{filepath.Base(filepath.Dir(f)) + filepath.Base(f)[:3], matcher.Prepare(&ts[0])})
		}
	} else {
		real = extractReal(t)
	}
	if len(real) != 320 {
		t.Fatalf("%d FVC2002 templates, want 4 × 80", len(real))
	}
	return real
}

// extractReal extracts the templates of the FVC2002 set B images, or skips the test.
func extractReal(t *testing.T) []labelled {
	if _, err := os.Stat(fvcDir); err != nil {
		t.Skipf("FVC2002 images not available at %s (and ENROLLD_FVC_TEMPLATES not set): %v", fvcDir, err)
	}
	var real []labelled
	for d := range 4 {
		db := fmt.Sprintf("DB%d_B", d+1)
		files, _ := filepath.Glob(filepath.Join(fvcDir, db, "*.png"))
		sort.Strings(files)
		for _, f := range files {
			img, err := decodePNG(f)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			res, err := extract.Extract(img, extract.Options{DPI: fvcDPI[d]})
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			real = append(real, labelled{db + filepath.Base(f)[:3], matcher.Prepare(res.Template)})
		}
	}
	return real
}

func decodePNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// db returns database i (0–3) of the real templates.
func db(real []labelled, i int) []labelled { return real[i*80 : i*80+80] }

// TestRealism compares impostor false-match rates at the gallery's operating thresholds
// (per-finger FMR 1 % and 0.1 % of the comparator's calibration, matcher.ThresholdForFMR) for
// real-against-real (FVC2002 set B, within each database), synthetic-against-synthetic and
// synthetic-against-real templates, and the genuine scores of synthetic mates with those
// of real ones. It extracts the FVC2002 set B images of the shared test data (about 5 s;
// skipped, saying so, where they are absent) or reads templates from
// ENROLLD_FVC_TEMPLATES. It fails when synthetic-against-synthetic is
// not within a factor of 2 of real-against-real, or synthetic-against-real not within a
// factor of 2 of real-against-real (the definition; the figure across databases,
// pairs from different sensors, is logged beside it because a synthetic template cannot
// share the artefacts of one sensor the way two impressions from one database do).
func TestRealism(t *testing.T) {
	real := loadReal(t)
	var syn []labelled
	for p := range 200 {
		syn = append(syn, labelled{string(rune(p)), matcher.Prepare(NewFinger(Options{}, 1, p, 0).Impression(1, p, 0, 0, 1))})
	}
	op, strict := matcher.ThresholdForFMR(0.01), matcher.ThresholdForFMR(0.001)
	t.Logf("minutiae real %.1f synthetic %.1f", meanLen(real), meanLen(syn))
	var rr, xr []float64
	for i := range 4 {
		rr = append(rr, impostorScores(db(real, i), db(real, i), 3000)...)
		xr = append(xr, impostorScores(db(real, i), db(real, (i+1)%4), 6400)...)
	}
	ss := impostorScores(syn, syn, 20000)
	sr := impostorScores(syn, real, 64000)
	t.Logf("impostor median: real-real %.4f (%d) syn-syn %.4f (%d) syn-real %.4f (%d)", median(rr), len(rr), median(ss), len(ss), median(sr), len(sr))
	t.Logf("impostor p90/p99: real-real %.4f/%.4f syn-syn %.4f/%.4f syn-real %.4f/%.4f", quantile(rr, 0.9), quantile(rr, 0.99), quantile(ss, 0.9), quantile(ss, 0.99), quantile(sr, 0.9), quantile(sr, 0.99))
	for _, thr := range []float64{op, strict} {
		t.Logf("thr %.4f: real-real %.4f syn-syn %.4f syn-real %.4f (real-real across databases %.4f)", thr, fmrAt(rr, thr), fmrAt(ss, thr), fmrAt(sr, thr), fmrAt(xr, thr))
	}
	var rr3, sr3 []float64 // DB1–3: DB4 holds SFinGe images, whose fingers resemble each other
	for i := range 4 {
		r, s := impostorScores(db(real, i), db(real, i), 3000), impostorScores(syn[:100], db(real, i), 8000)
		t.Logf("DB%d: real-real %.4f syn-real %.4f", i+1, fmrAt(r, op), fmrAt(s, op))
		if i < 3 {
			rr3, sr3 = append(rr3, r...), append(sr3, s...)
		}
	}
	t.Logf("DB1-3: real-real %.4f syn-real %.4f", fmrAt(rr3, op), fmrAt(sr3, op))
	rg, sg := genuineScores(real)
	t.Logf("genuine: median real %.4f synthetic %.4f; FNMR at %.4f real %.3f synthetic %.3f (%d, %d pairs)",
		median(rg), median(sg), op, 1-fmrAt(rg, op), 1-fmrAt(sg, op), len(rg), len(sg))
	within2 := func(a, b float64) bool { return a >= b/2 && a <= 2*b }
	if r, s := fmrAt(rr, op), fmrAt(ss, op); !within2(s, r) {
		t.Errorf("synthetic-against-synthetic FMR %.4f not within a factor of 2 of real %.4f", s, r)
	}
	if r, s := fmrAt(rr, op), fmrAt(sr, op); !within2(s, r) {
		t.Errorf("synthetic-against-real FMR %.4f not within a factor of 2 of real-against-real %.4f (across databases %.4f)", s, r, fmrAt(xr, op))
	}
}

// genuineScores returns real genuine scores (impressions 2–8 against impression 1 of each
// finger) and synthetic ones (impressions 1–3 against impression 0 of 100 fingers).
func genuineScores(real []labelled) (rg, sg []float64) {
	var c matcher.Comparator
	for i := 0; i < len(real); i += 8 {
		for j := i + 1; j < len(real) && real[j].finger == real[i].finger; j++ {
			rg = append(rg, c.Compare(real[i].p, real[j].p))
		}
	}
	for p := range 100 {
		f := NewFinger(Options{}, 1, p, 0)
		e := matcher.Prepare(f.Impression(1, p, 0, 0, 1))
		for k := 1; k <= 3; k++ {
			sg = append(sg, c.Compare(e, matcher.Prepare(f.Impression(1, p, 0, k, 1))))
		}
	}
	return rg, sg
}

func meanLen(ls []labelled) float64 {
	n := 0
	for _, l := range ls {
		n += l.p.Len()
	}
	return float64(n) / float64(len(ls))
}
