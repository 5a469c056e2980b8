//go:build amd64 && !purego

package matcher

import (
	"math/rand/v2"
	"testing"
)

// TestCountsAssemblyMatchesGo checks the POPCNT assembly against the Go loops on every
// cylinder pair of synthetic templates (the golden test covers Compare with the path the
// processor selects; `go test -tags purego` runs it on the Go path).
func TestCountsAssemblyMatchesGo(t *testing.T) {
	if !hasPOPCNT {
		t.Skip("processor without POPCNT: the assembly is not used")
	}
	r := rand.New(rand.NewPCG(31, 32))
	var ps []*Prepared
	for i := range 6 {
		base := randomTemplate(r, 20+8*i)
		ps = append(ps, Prepare(base), Prepare(transform(base, 0.3, 150, -40)))
	}
	var rc rowCylinder
	n := 0
	for _, a := range ps {
		for _, b := range ps {
			for i := range a.cidx {
				rc.gather((*[cylStride]uint64)(a.cyl[i*cylStride:]), a.cmask[i])
				for j := range b.cidx {
					cb := (*[cylStride]uint64)(b.cyl[j*cylStride:])
					oa, ob, nab := countsPOPCNT(&rc, cb)
					wa, wb, wab := rc.countsGo(cb, b.cmask[j])
					if oa != wa || ob != wb || nab != wab {
						t.Fatalf("cylinders %d, %d: assembly (%d, %d, %d), Go (%d, %d, %d)", i, j, oa, ob, nab, wa, wb, wab)
					}
					if oa+ob > 0 {
						n++
					}
				}
			}
		}
	}
	if n == 0 {
		t.Error("no pair with cells off the finger: the test exercises too little")
	}
}
