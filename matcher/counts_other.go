//go:build !amd64 || purego

package matcher

// hasPOPCNT is false where no assembly version of counts exists.
const hasPOPCNT = false

// countsPOPCNT is not available on this platform.
func countsPOPCNT(r *rowCylinder, cb *[cylStride]uint64) (oa, ob, nab int) {
	panic("matcher: countsPOPCNT without assembly")
}

// counts returns, for the row cylinder a and cylinder cb (word masks mb), the value bits
// of a on cells invalid in b (oa), those of b on cells invalid in a (ob), and the value
// bits set in both (nab).
func (r *rowCylinder) counts(cb *[cylStride]uint64, mb cylMasks) (oa, ob, nab int) {
	return r.countsGo(cb, mb)
}
