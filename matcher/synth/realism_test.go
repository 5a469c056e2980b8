package synth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/enrolld/enrolld/matcher"
)

// labelled is a prepared template with the identity of its finger.
type labelled struct {
	finger string
	p      *matcher.Prepared
}

// impostorFMR returns the fraction of pairs of different fingers from a and b (each
// unordered pair once when a and b are the same set) scoring at least thr.
func impostorFMR(a, b []labelled, thr float64, pairs int) (float64, int) {
	var c matcher.Comparator
	same := &a[0] == &b[0] && len(a) == len(b)
	n, hit := 0, 0
	for i := range a {
		for j := range b {
			if (same && j <= i) || a[i].finger == b[j].finger {
				continue
			}
			if n >= pairs {
				return float64(hit) / float64(n), n
			}
			if c.Compare(a[i].p, b[j].p) >= thr {
				hit++
			}
			n++
		}
	}
	return float64(hit) / float64(n), n
}

// TestRealism compares impostor false-match rates at the gallery's operating thresholds
// (per-finger FMR 1 % and 0.1 % of gallery.DefaultFMR: raw 0.0581 and 0.0803) for
// real-against-real (FVC2002 set B, within each database), synthetic-against-synthetic and
// synthetic-against-real templates. It needs ISO templates extracted from FVC2002
// (enrollctl extract … --out DIR/DBn_B) in ENROLLD_FVC_TEMPLATES and only logs the figures.
func TestRealism(t *testing.T) {
	dir := os.Getenv("ENROLLD_FVC_TEMPLATES")
	if dir == "" {
		t.Skip("set ENROLLD_FVC_TEMPLATES to a folder of DBn_B/F_I.iso templates")
	}
	var real []labelled
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.iso"))
	nm := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		ts, err := matcher.DecodeISO(b)
		if err != nil {
			t.Fatal(err)
		}
		nm += len(ts[0].Minutiae)
		real = append(real, labelled{filepath.Base(filepath.Dir(f)) + filepath.Base(f)[:3], matcher.Prepare(&ts[0])})
	}
	var syn []labelled
	ns := 0
	for p := range 160 {
		tp := NewFinger(Options{}, 1, p, 0).Impression(1, p, 0, 0, 1)
		ns += len(tp.Minutiae)
		syn = append(syn, labelled{string(rune(p)), matcher.Prepare(tp)})
	}
	t.Logf("minutiae real %.1f synthetic %.1f", float64(nm)/float64(len(real)), float64(ns)/float64(len(syn)))
	for _, thr := range []float64{0.0581, 0.0803} {
		rr, n1 := 0.0, 0
		for db := range 4 {
			f, n := impostorFMR(real[db*80:db*80+80], real[db*80:db*80+80], thr, 3000)
			rr += f * float64(n)
			n1 += n
		}
		rr /= float64(n1)
		ss, n2 := impostorFMR(syn, syn, thr, 6000)
		sr, n3 := impostorFMR(syn[:20], real, thr, 6000)
		t.Logf("thr %.4f: real-real %.4f (%d) syn-syn %.4f (%d) syn-real %.4f (%d)", thr, rr, n1, ss, n2, sr, n3)
	}
}
