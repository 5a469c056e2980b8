package wsq

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGenericMatchesFast reconstructs the same coefficients with the 9/7
// fast path and the generic path: the results must be identical to the
// bit, which pins down the operation order of both.
func TestGenericMatchesFast(t *testing.T) {
	alo, ahi := analysisCentre()
	lo32, hi32 := make([]float32, 5), make([]float32, 4)
	for i := range alo {
		lo32[i] = float32(alo[i])
	}
	for i := range ahi {
		hi32[i] = float32(ahi[i])
	}
	fast := newSynthesis([5]float32(lo32), [4]float32(hi32))
	gen := newGenericSynthesis(lo32, hi32)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{545, 622}, {33, 35}, {64, 47}} {
		w, h := sz[0], sz[1]
		a := make([]float32, w*h)
		for i := range a {
			a[i] = float32(rng.NormFloat64() * 40)
		}
		b := append([]float32(nil), a...)
		l := newLayout(w, h)
		tmp := make([]float32, w*h)
		var sc scratch
		fast.reconstruct(a, w, l, tmp, &sc)
		gen.reconstruct(b, w, l, tmp, &sc)
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%d×%d: sample %d: fast %g, generic %g", w, h, i, a[i], b[i])
			}
		}
	}
}

// genericAnalysis splits with any odd symmetric filters given from the
// centre outwards (test helper mirroring analysis.line).
func genericAnalysis(plane []float32, width int, l *layout, alo, ahi []float64) {
	full := func(c []float64) []float64 {
		f := make([]float64, 2*len(c)-1)
		for i, v := range c {
			f[len(c)-1+i], f[len(c)-1-i] = v, v
		}
		return f
	}
	lo, hi := full(alo), full(ahi)
	cl, ch := len(alo)-1, len(ahi)-1
	split := func(get func(int) float64, set func(int, float64), n int, inv bool) {
		llen, hlen := n-n/2, n/2
		out := make([]float64, n)
		for k := 0; k < llen; k++ {
			s := 0.0
			for i, c := range lo {
				s += c * get(reflect(2*k-cl+i, n, false, false))
			}
			if inv {
				out[hlen+k] = s
			} else {
				out[k] = s
			}
		}
		for k := 0; k < hlen; k++ {
			s := 0.0
			for i, c := range hi {
				s += c * get(reflect(2*k+1-ch+i, n, false, false))
			}
			if inv {
				out[k] = s
			} else {
				out[llen+k] = s
			}
		}
		for i, v := range out {
			set(i, v)
		}
	}
	for _, r := range l.nodes {
		for y := 0; y < r.h; y++ {
			row := plane[(r.y+y)*width+r.x:][:r.w]
			split(func(i int) float64 { return float64(row[i]) }, func(i int, v float64) { row[i] = float32(v) }, r.w, r.invX)
		}
		for x := 0; x < r.w; x++ {
			at := func(i int) int { return (r.y+i)*width + r.x + x }
			split(func(i int) float64 { return float64(plane[at(i)]) }, func(i int, v float64) { plane[at(i)] = float32(v) }, r.h, r.invY)
		}
	}
}

// TestGenericFiveThree: the LeGall 5/3 pair, sent in a transform table,
// reconstructs perfectly through the generic path.
func TestGenericFiveThree(t *testing.T) {
	s2 := math.Sqrt2
	alo := []float64{0.75 * s2, 0.25 * s2, -0.125 * s2}
	ahi := []float64{1 / s2, -0.5 / s2}
	var lo32, hi32 []float32
	for _, v := range alo {
		lo32 = append(lo32, float32(v))
	}
	for _, v := range ahi {
		hi32 = append(hi32, float32(v))
	}
	g := newGenericSynthesis(lo32, hi32)
	for _, sz := range [][2]int{{64, 64}, {97, 61}} {
		w, h := sz[0], sz[1]
		img := ridges(w, h, 2)
		plane := make([]float32, w*h)
		for i, v := range img.Pix {
			plane[i] = float32(v) - 128
		}
		orig := append([]float32(nil), plane...)
		l := newLayout(w, h)
		genericAnalysis(plane, w, l, alo, ahi)
		g.reconstruct(plane, w, l, make([]float32, w*h), nil)
		worst := 0.0
		for i := range plane {
			worst = math.Max(worst, math.Abs(float64(plane[i]-orig[i])))
		}
		if worst > 0.01 {
			t.Errorf("%d×%d: 5/3 reconstruction error %g", w, h, worst)
		}
	}
}
