package wsq

// line splits in into its low-pass half followed by its high-pass half
// (reversed when inv is set), writing len(in) samples to out.
func (a *analysis) line(out, in []float32, inv bool, sc *scratch) {
	n := len(in)
	llen, hlen := n-n/2, n/2
	xp := pad(sc.xl, in, 4, 5, false, false) // xp[i+4] = X[i]
	lo, hi := out[:llen], out[llen:n]
	if inv {
		hi, lo = out[:hlen], out[hlen:n]
	}
	f := a
	for k := range lo {
		x := xp[2*k : 2*k+9 : 2*k+9]
		s := f.lo[0] * x[0]
		for i := 1; i < 9; i++ {
			s = float32(s + float32(f.lo[i]*x[i]))
		}
		lo[k] = s
	}
	for k := range hi {
		x := xp[2*k+2 : 2*k+9 : 2*k+9]
		s := f.hi[0] * x[0]
		for i := 1; i < 7; i++ {
			s = float32(s + float32(f.hi[i]*x[i]))
		}
		hi[k] = s
	}
}

// columns splits the columns of a w × h region: input row i is in(i),
// output row m is out(m).
func (a *analysis) columns(out func(int) []float32, in func(int) []float32, w, h int, inv bool) {
	llen, hlen := h-h/2, h/2
	var src [9][]float32
	for k := 0; k < llen; k++ {
		for i := 0; i < 9; i++ {
			src[i] = in(reflect(2*k-4+i, h, false, false))[:w]
		}
		m := k
		if inv {
			m += hlen
		}
		filterRows(out(m)[:w], src[:9], a.lo[:])
	}
	for k := 0; k < hlen; k++ {
		for i := 0; i < 7; i++ {
			src[i] = in(reflect(2*k-2+i, h, false, false))[:w]
		}
		m := k
		if !inv {
			m += llen
		}
		filterRows(out(m)[:w], src[:7], a.hi[:])
	}
}

// filterRows sets dst to the weighted sum of the rows, taps in order.
func filterRows(dst []float32, rows [][]float32, taps []float32) {
	r0 := rows[0][:len(dst)]
	t0 := taps[0]
	for x := range dst {
		dst[x] = t0 * r0[x]
	}
	for i := 1; i < len(rows); i++ {
		r := rows[i][:len(dst)]
		t := taps[i]
		for x := range dst {
			dst[x] = float32(dst[x] + float32(t*r[x]))
		}
	}
}

// decompose applies the twenty splits of the layout to the plane (stride
// width) in place: rows into tmp, then columns back into the plane.
func (a *analysis) decompose(plane []float32, width int, l *layout, tmp []float32, sc *scratch) {
	for _, r := range l.nodes {
		if r.w == 0 || r.h == 0 {
			continue
		}
		sc.grow(max(r.w, r.h))
		w := r.w
		for y := 0; y < r.h; y++ {
			a.line(tmp[y*w:][:w], plane[(r.y+y)*width+r.x:][:w], r.invX, sc)
		}
		a.columns(
			func(m int) []float32 { return plane[(r.y+m)*width+r.x:] },
			func(i int) []float32 { return tmp[i*w:] },
			r.w, r.h, r.invY)
	}
}
