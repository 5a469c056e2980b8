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
			cand := make([]int16, len(b.cidx))
			for j := range cand {
				cand[j] = int16(len(cand) - 1 - j) // any order
			}
			asm, goc := make([]cylCounts, len(cand)), make([]cylCounts, len(cand))
			for i := range a.cidx {
				rc.gather((*[cylStride]uint64)(a.cyl[i*cylStride:]), a.cmask[i])
				var full, part []int16
				for _, j := range cand {
					if b.cfull[j] == 1 {
						full = append(full, j)
					} else {
						part = append(part, j)
					}
				}
				rc.countsRow(b.cyl, full, asm, true)
				rc.countsRow(b.cyl, part, asm, false)
				rc.countsRowGo(b.cyl, cand, goc)
				for _, j := range cand {
					if asm[j] != goc[j] {
						t.Fatalf("cylinders %d, %d: assembly %+v, Go %+v", i, j, asm[j], goc[j])
					}
					if asm[j].oa+asm[j].ob > 0 {
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
