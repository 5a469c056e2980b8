package extract

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPercentileMatchesSort compares the quickselect with sorting, on random data
// with and without ties, at every quantile index.
func TestPercentileMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{1, 2, 3, 16, 17, 18, 100, 1000} {
		for _, levels := range []int{3, 1 << 20} {
			v := make([]float32, n)
			for i := range v {
				v[i] = float32(r.IntN(levels))
			}
			orig := slices.Clone(v)
			sorted := slices.Clone(v)
			slices.Sort(sorted)
			for k := range n {
				p := float64(k) / float64(max(n-1, 1))
				want := sorted[int(p*float64(n-1))]
				if got := percentile(v, p); got != want {
					t.Fatalf("n=%d levels=%d p=%g: %g, sorted gives %g", n, levels, p, got, want)
				}
			}
			if !slices.Equal(v, orig) {
				t.Fatal("percentile changed its input")
			}
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Fatal("percentile of nothing is not 0")
	}
}
