//go:build !amd64 || purego

package matcher

// hasPOPCNT is false where no assembly version of counts exists.
const hasPOPCNT = false

// countsRow fills out[k] with the counts of the row cylinder against cylinder cand[k] of
// bcyl (cylStride words per cylinder; every index must lie within bcyl).
func (r *rowCylinder) countsRow(bcyl []uint64, cand []int16, out []cylCounts) {
	r.countsRowGo(bcyl, cand, out)
}
