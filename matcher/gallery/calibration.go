package gallery

import "github.com/enrolld/enrolld/matcher"

// DefaultFMR maps a raw similarity of matcher.Comparator.Compare to the false-match rate of
// one finger comparison: the comparator's own calibration (matcher.FMRForScore, fitted on
// the pooled impostor comparisons of FVC2002 DB1–DB4 set B and re-fitted whenever the
// comparator's scores change), so the 1:1 decisions at the desk and the gallery's fusion
// and FPIR threshold rest on one table. Options.FMR can replace it.
func DefaultFMR(score float64) float64 { return matcher.FMRForScore(score) }
