package gallery

import (
	"math"
	"sort"
)

// DefaultFMR maps a raw similarity of matcher.Comparator.Compare to the false-match rate of
// one finger comparison. The table is the pooled impostor distribution of FVC2002 DB1–DB4
// set B (11 520 ordered pairs of different fingers, templates from matcher/extract), measured
// with the comparator of this revision: median 0.0276, 1 % at 0.0581, 0.1 % at 0.0803; the
// tail beyond is extrapolated as an exponential (a straight line in log10 FMR) with the
// slope of its last decade. Package matcher keeps its own calibration for 1:1 decisions;
// the gallery uses this one unless Options.FMR says otherwise, so the two can be compared.
func DefaultFMR(score float64) float64 {
	c := fmrTable
	if score <= c[0].raw {
		return 1
	}
	i := sort.Search(len(c), func(i int) bool { return c[i].raw >= score })
	if i == len(c) {
		i = len(c) - 1
	}
	a, b := c[i-1], c[i]
	l := a.log10 + (score-a.raw)*(b.log10-a.log10)/(b.raw-a.raw)
	return math.Pow(10, max(l, minLog10FMR))
}

// minLog10FMR bounds the extrapolated tail.
const minLog10FMR = -12

// fmrTable lists (raw similarity, log10 FMR), ascending in similarity.
var fmrTable = []struct{ raw, log10 float64 }{
	{0, 0}, {0.0276, -0.301}, {0.041, -1}, {0.0581, -2}, {0.0803, -3}, {0.1025, -4},
}
