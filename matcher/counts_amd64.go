//go:build amd64 && !purego

package matcher

import "golang.org/x/sys/cpu"

// hasPOPCNT reports whether the processor has the POPCNT instruction (nearly every
// x86-64 processor since 2008; GOAMD64=v1 builds cannot assume it, so bits.OnesCount64
// checks for it at every call).
var hasPOPCNT = cpu.X86.HasPOPCNT

// countsRowPOPCNT is countsRow written in assembly with POPCNT.
//
//go:noescape
func countsRowPOPCNT(r *rowCylinder, bcyl *uint64, cand *int16, n int, out *cylCounts, full bool)

// countsRow fills out[j] with the counts of the row cylinder against each cylinder j in
// cand of bcyl (cylStride words per cylinder; every j must lie within bcyl and out). With
// full set, the caller promises that the cylinders lie wholly on the finger (all validity
// bits set), so oa is 0 and not counted.
func (r *rowCylinder) countsRow(bcyl []uint64, cand []int16, out []cylCounts, full bool) {
	if len(cand) == 0 {
		return
	}
	if hasPOPCNT {
		countsRowPOPCNT(r, &bcyl[0], &cand[0], len(cand), &out[0], full)
		return
	}
	r.countsRowGo(bcyl, cand, out)
}
