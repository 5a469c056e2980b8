package matcher

import (
	"math"
	"sort"
)

// Calibration maps a raw similarity from Comparator.Compare to the false-match rate: the
// probability that a comparison of two different fingers scores at least that much.
// The table was measured on the pooled impostor comparisons of FVC2002 DB1–DB4 set B
// (4 × 2 880 pairs, every impression pair of different fingers; regenerate with
// "enrollctl eval calibrate DIR…"); beyond its last point the impostor tail is
// extrapolated as a straight line in log10(FMR) (an exponential tail).
//
// CalibratedScore expresses it as −10·log10(FMR): 20 means FMR 1 %, 30 means 0.1 %,
// 40 means 0.01 %. Thresholds are configured by target FMR through ThresholdForFMR.

// calPoint is one point of the calibration: raw similarity and log10 of the FMR there.
type calPoint struct {
	raw, log10FMR float64
}

// calibration is sorted by raw similarity ascending (FMR descending). Measured with
// "enrollctl eval calibrate DB1_B DB2_B@569 DB3_B DB4_B" over 11 520 impostor
// comparisons down to FMR 10^-3.5; the last three points extend the exponential tail.
var calibration = []calPoint{
	{0, 0},
	{0.02135, -0.301},
	{0.02478, -0.500},
	{0.03175, -1.000},
	{0.03775, -1.500},
	{0.04342, -2.000},
	{0.04896, -2.500},
	{0.05485, -3.000},
	{0.06008, -3.500},
	{0.07676, -5},
	{0.09900, -7},
	{0.13236, -10},
}

// FMRForScore returns the estimated false-match rate at raw similarity s.
func FMRForScore(s float64) float64 { return math.Pow(10, log10FMR(s)) }

// CalibratedScore returns −10·log10(FMRForScore(s)).
func CalibratedScore(s float64) float64 { return -10 * log10FMR(s) }

// ThresholdForFMR returns the raw similarity at which the estimated false-match rate
// falls to fmr; accept a comparison when Compare(a, b) ≥ ThresholdForFMR(fmr).
func ThresholdForFMR(fmr float64) float64 {
	if fmr >= 1 {
		return 0
	}
	l := math.Log10(math.Max(fmr, 1e-12))
	c := calibration
	i := sort.Search(len(c), func(i int) bool { return c[i].log10FMR <= l })
	if i == 0 {
		return c[0].raw
	}
	if i == len(c) {
		i = len(c) - 1
	}
	a, b := c[i-1], c[i]
	return a.raw + (l-a.log10FMR)*(b.raw-a.raw)/(b.log10FMR-a.log10FMR)
}

// log10FMR interpolates the calibration table linearly (and extrapolates its last segment).
func log10FMR(s float64) float64 {
	c := calibration
	if s <= c[0].raw {
		return 0
	}
	i := sort.Search(len(c), func(i int) bool { return c[i].raw >= s })
	if i == len(c) {
		i = len(c) - 1
	}
	a, b := c[i-1], c[i]
	return max(minLog10FMR, min(0, a.log10FMR+(s-a.raw)*(b.log10FMR-a.log10FMR)/(b.raw-a.raw)))
}

// minLog10FMR bounds the extrapolation: rates below 1e-10 are not meaningful estimates.
const minLog10FMR = -10
