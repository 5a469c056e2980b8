package matcher

import (
	"math"
	"sort"
)

// Errors summarises a verification experiment: genuine scores (same finger) and impostor
// scores (different fingers), higher meaning more similar.
type Errors struct {
	Genuine, Impostor int
	// EER is the equal error rate in [0,1]: where FMR and FNMR cross (their mean at the
	// threshold where they are closest).
	EER float64
	// FNMRAtFMR1, FNMRAtFMR01 and FNMRAtFMR0 are the lowest FNMR at FMR ≤ 1 %, ≤ 0.1 % and 0.
	FNMRAtFMR1, FNMRAtFMR01, FNMRAtFMR0 float64
}

// Evaluate computes the error figures of a set of genuine and impostor scores.
func Evaluate(genuine, impostor []float64) Errors {
	e := Errors{Genuine: len(genuine), Impostor: len(impostor)}
	if len(genuine) == 0 || len(impostor) == 0 {
		return e
	}
	g := append([]float64(nil), genuine...)
	im := append([]float64(nil), impostor...)
	sort.Float64s(g)
	sort.Float64s(im)
	// candidate thresholds: a comparison is accepted when score ≥ t
	ts := append(append([]float64{}, g...), im...)
	ts = append(ts, math.Inf(1))
	sort.Float64s(ts)
	e.EER, e.FNMRAtFMR1, e.FNMRAtFMR01, e.FNMRAtFMR0 = 1, 1, 1, 1
	bestGap := math.Inf(1)
	for _, t := range ts {
		fnmr := float64(sort.SearchFloat64s(g, t)) / float64(len(g))
		fmr := float64(len(im)-sort.SearchFloat64s(im, t)) / float64(len(im))
		if gap := math.Abs(fmr - fnmr); gap < bestGap {
			bestGap, e.EER = gap, (fmr+fnmr)/2
		}
		if fmr <= 0.01 {
			e.FNMRAtFMR1 = math.Min(e.FNMRAtFMR1, fnmr)
		}
		if fmr <= 0.001 {
			e.FNMRAtFMR01 = math.Min(e.FNMRAtFMR01, fnmr)
		}
		if fmr == 0 {
			e.FNMRAtFMR0 = math.Min(e.FNMRAtFMR0, fnmr)
		}
	}
	return e
}
