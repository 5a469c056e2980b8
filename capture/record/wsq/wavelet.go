package wsq

// The transform is the 9/7 biorthogonal (Cohen–Daubechies–Feauveau) wavelet
// with whole-sample symmetric extension of the image lines. Analysis puts the
// low-pass outputs at the even samples (ceil(n/2) of them) and the high-pass
// outputs at the odd samples (floor(n/2)). Synthesis extends the low-pass
// subband whole-sample at the left and the high-pass subband half-sample;
// at the right the types depend on the parity of n.
//
// The order of the floating-point operations follows the reference
// decoder: every output sample starts with the low-pass products and then
// adds the high-pass products one at a time, taking subband samples in
// increasing position. Explicit float32 conversions keep the compiler from
// fusing multiply-adds, so results match the reference bit for bit.

// Analysis filter taps from the centre outwards (FBI specification).
const (
	alo0 = 0.85269867900940344
	alo1 = 0.37740285561265380
	alo2 = -0.11062440441842342
	alo3 = -0.02384946501937986
	alo4 = 0.03782845550699546
	ahi0 = 0.78848561640566439
	ahi1 = -0.41809227322221221
	ahi2 = -0.04068941760955844
	ahi3 = 0.06453888262893845
)

// analysisCentre returns the analysis low-pass (9 taps) and high-pass
// (7 taps) coefficients from the centre outwards, as the transform table
// carries them.
func analysisCentre() (lo [5]float64, hi [4]float64) {
	return [5]float64{alo0, alo1, alo2, alo3, alo4}, [4]float64{ahi0, ahi1, ahi2, ahi3}
}

// analysis holds the full symmetric analysis filters.
type analysis struct {
	lo [9]float32
	hi [7]float32
}

func newAnalysis() *analysis {
	c, h := analysisCentre()
	a := &analysis{}
	for i := 0; i < 5; i++ {
		a.lo[4+i], a.lo[4-i] = float32(c[i]), float32(c[i])
	}
	for i := 0; i < 4; i++ {
		a.hi[3+i], a.hi[3-i] = float32(h[i]), float32(h[i])
	}
	return a
}

// synthesis holds the synthesis filters derived from a transform table:
// the low-pass one from the analysis high-pass and vice versa, with
// alternating signs.
type synthesis struct {
	lo [7]float32
	hi [9]float32
}

// newSynthesis derives the synthesis filters from the analysis taps given
// from the centre outwards.
func newSynthesis(alo [5]float32, ahi [4]float32) *synthesis {
	s := &synthesis{}
	for i := 0; i < 5; i++ {
		v := alo[i]
		if i%2 == 1 {
			v = -v
		}
		s.hi[4+i], s.hi[4-i] = v, v
	}
	for i := 0; i < 4; i++ {
		v := ahi[i]
		if i%2 == 1 {
			v = -v
		}
		s.lo[3+i], s.lo[3-i] = v, v
	}
	return s
}

// reflect maps an index of the symmetrically extended sequence of length n
// onto the sequence. halfL/halfR select half-sample symmetry (the edge
// sample repeated) at the left/right end instead of whole-sample symmetry.
func reflect(i, n int, halfL, halfR bool) int {
	if n <= 1 {
		return 0
	}
	for i < 0 || i >= n {
		if i < 0 {
			if halfL {
				i = -1 - i
			} else {
				i = -i
			}
		}
		if i >= n {
			if halfR {
				i = 2*n - 1 - i
			} else {
				i = 2*n - 2 - i
			}
		}
	}
	return i
}

// pad copies src into dst[before:] and fills before samples in front and
// after samples behind with the symmetric extension of src.
func pad(dst, src []float32, before, after int, halfL, halfR bool) []float32 {
	n := len(src)
	dst = dst[:n+before+after]
	if n == 0 {
		clear(dst)
		return dst
	}
	copy(dst[before:], src)
	for i := -before; i < 0; i++ {
		dst[before+i] = src[reflect(i, n, halfL, halfR)]
	}
	for i := n; i < n+after; i++ {
		dst[before+i] = src[reflect(i, n, halfL, halfR)]
	}
	return dst
}

// splitLine returns the low- and high-pass parts of a subband line of
// length n stored in its (possibly inverted) order.
func splitLine(in []float32, n int, inv bool) (lo, hi []float32) {
	llen := n - n/2
	if inv {
		return in[n/2 : n], in[:n/2]
	}
	return in[:llen], in[llen:n]
}

// scratch holds the padded line buffers of one transform.
type scratch struct {
	xl, xh   []float32
	zeroRows []bool // which high-pass rows of a node are all zero
}

func (s *scratch) grow(n int) {
	if cap(s.xl) < n+16 {
		s.xl = make([]float32, n+16)
		s.xh = make([]float32, n+16)
		s.zeroRows = make([]bool, n+16)
	}
}
