package wsq

// genericSynthesis reconstructs with any pair of odd-length symmetric
// filters. It is the slow path for transform tables other than the
// standard 9/7 pair and follows the same operation order: for every output
// sample the low-pass products in increasing subband position, then the
// high-pass products.
type genericSynthesis struct {
	lo, hi []float32 // synthesis filters, odd lengths
}

// reconstructor inverts the wavelet decomposition of a plane.
type reconstructor interface {
	reconstruct(plane []float32, width int, l *layout, tmp []float32, sc *scratch)
}

// newGenericSynthesis derives the synthesis filters from analysis taps
// given from the centre outwards (alternating signs, low from high and
// high from low).
func newGenericSynthesis(alo, ahi []float32) *genericSynthesis {
	g := &genericSynthesis{lo: make([]float32, 2*len(ahi)-1), hi: make([]float32, 2*len(alo)-1)}
	mirror := func(dst, src []float32) {
		c := len(src) - 1
		for i, v := range src {
			if i%2 == 1 {
				v = -v
			}
			dst[c+i], dst[c-i] = v, v
		}
	}
	mirror(g.lo, ahi)
	mirror(g.hi, alo)
	return g
}

// sample returns output sample m of a line of length n whose low- and
// high-pass parts are read through lo(k) and hi(k).
func (g *genericSynthesis) sample(m, n int, lo, hi func(int) float32) float32 {
	llen, hlen := n-n/2, n/2
	odd := n%2 == 1
	cl, ch := (len(g.lo)-1)/2, (len(g.hi)-1)/2
	var acc float32
	first := true
	add := func(v float32) {
		if first {
			acc, first = v, false
			return
		}
		acc = float32(acc + v)
	}
	// Low-pass sample k sits at position 2k, high-pass sample k at 2k+1.
	for k := (m - cl + 1) >> 1; 2*k <= m+cl; k++ {
		x := lo(reflect(k, llen, false, !odd))
		add(float32(g.lo[cl-(m-2*k)] * x))
	}
	if hlen > 0 {
		for k := (m - ch) >> 1; 2*k+1 <= m+ch; k++ {
			if 2*k+1 < m-ch {
				continue
			}
			x := hi(reflect(k, hlen, true, odd))
			add(float32(g.hi[ch-(m-2*k-1)] * x))
		}
	}
	return acc
}

func (g *genericSynthesis) reconstruct(plane []float32, width int, l *layout, tmp []float32, _ *scratch) {
	for node := numNodes - 1; node >= 0; node-- {
		r := l.nodes[node]
		if r.w == 0 || r.h == 0 {
			continue
		}
		w, h := r.w, r.h
		at := func(x, y int) float32 { return plane[(r.y+y)*width+r.x+x] }
		llen, hlen := h-h/2, h/2
		for x := 0; x < w; x++ {
			lo := func(k int) float32 {
				if r.invY {
					k += hlen
				}
				return at(x, k)
			}
			hi := func(k int) float32 {
				if !r.invY {
					k += llen
				}
				return at(x, k)
			}
			for m := 0; m < h; m++ {
				tmp[m*w+x] = g.sample(m, h, lo, hi)
			}
		}
		llen, hlen = w-w/2, w/2
		for y := 0; y < h; y++ {
			row := tmp[y*w : (y+1)*w]
			lo := func(k int) float32 {
				if r.invX {
					k += hlen
				}
				return row[k]
			}
			hi := func(k int) float32 {
				if !r.invX {
					k += llen
				}
				return row[k]
			}
			dst := plane[(r.y+y)*width+r.x:][:w]
			for m := range dst {
				dst[m] = g.sample(m, w, lo, hi)
			}
		}
	}
}
