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
func countsRowPOPCNT(r *rowCylinder, bcyl *uint64, cand *int16, n int, out *cylCounts)

// countsRow fills out[k] with the counts of the row cylinder against cylinder cand[k] of
// bcyl (cylStride words per cylinder; every index must lie within bcyl).
func (r *rowCylinder) countsRow(bcyl []uint64, cand []int16, out []cylCounts) {
	if len(cand) == 0 {
		return
	}
	if hasPOPCNT {
		_ = out[len(cand)-1]
		countsRowPOPCNT(r, &bcyl[0], &cand[0], len(cand), &out[0])
		return
	}
	r.countsRowGo(bcyl, cand, out)
}
