//go:build !amd64 || purego

package matcher

// hasPOPCNT is false where no assembly version of counts exists.
const hasPOPCNT = false

// countsRow fills out[j] with the counts of the row cylinder against each cylinder j in
// cand of bcyl (cylStride words per cylinder; every j must lie within bcyl and out). The
// flag full (cylinders wholly on the finger) only serves the assembly version.
func (r *rowCylinder) countsRow(bcyl []uint64, cand []int16, out []cylCounts, full bool) {
	r.countsRowGo(bcyl, cand, out)
}
