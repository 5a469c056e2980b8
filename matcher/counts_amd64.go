//go:build amd64 && !purego

package matcher

import "golang.org/x/sys/cpu"

// hasPOPCNT reports whether the processor has the POPCNT instruction (nearly every
// x86-64 processor since 2008; GOAMD64=v1 builds cannot assume it, so bits.OnesCount64
// checks for it at every call).
var hasPOPCNT = cpu.X86.HasPOPCNT

// countsPOPCNT is counts written in assembly with POPCNT: the Go loops spill their
// accumulators around the fallback call that bits.OnesCount64 carries under GOAMD64=v1.
//
//go:noescape
func countsPOPCNT(r *rowCylinder, cb *[cylStride]uint64) (oa, ob, nab int)

// counts returns, for the row cylinder a and cylinder cb (word masks mb), the value bits
// of a on cells invalid in b (oa), those of b on cells invalid in a (ob), and the value
// bits set in both (nab).
func (r *rowCylinder) counts(cb *[cylStride]uint64, mb cylMasks) (oa, ob, nab int) {
	if hasPOPCNT {
		return countsPOPCNT(r, cb)
	}
	return r.countsGo(cb, mb)
}
