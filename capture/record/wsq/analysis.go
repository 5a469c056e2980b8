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
	c := a.lo
	for k := range lo {
		x := xp[2*k : 2*k+9 : 2*k+9]
		s := c[0] * x[0]
		s = float32(s + float32(c[1]*x[1]))
		s = float32(s + float32(c[2]*x[2]))
		s = float32(s + float32(c[3]*x[3]))
		s = float32(s + float32(c[4]*x[4]))
		s = float32(s + float32(c[5]*x[5]))
		s = float32(s + float32(c[6]*x[6]))
		s = float32(s + float32(c[7]*x[7]))
		s = float32(s + float32(c[8]*x[8]))
		lo[k] = s
	}
	d := a.hi
	for k := range hi {
		x := xp[2*k+2 : 2*k+9 : 2*k+9]
		s := d[0] * x[0]
		s = float32(s + float32(d[1]*x[1]))
		s = float32(s + float32(d[2]*x[2]))
		s = float32(s + float32(d[3]*x[3]))
		s = float32(s + float32(d[4]*x[4]))
		s = float32(s + float32(d[5]*x[5]))
		s = float32(s + float32(d[6]*x[6]))
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
	n := len(dst)
	if len(rows) == 9 {
		r0, r1, r2, r3, r4 := rows[0][:n], rows[1][:n], rows[2][:n], rows[3][:n], rows[4][:n]
		r5, r6, r7, r8 := rows[5][:n], rows[6][:n], rows[7][:n], rows[8][:n]
		c := [9]float32(taps)
		for x := range dst {
			s := c[0] * r0[x]
			s = float32(s + float32(c[1]*r1[x]))
			s = float32(s + float32(c[2]*r2[x]))
			s = float32(s + float32(c[3]*r3[x]))
			s = float32(s + float32(c[4]*r4[x]))
			s = float32(s + float32(c[5]*r5[x]))
			s = float32(s + float32(c[6]*r6[x]))
			s = float32(s + float32(c[7]*r7[x]))
			s = float32(s + float32(c[8]*r8[x]))
			dst[x] = s
		}
		return
	}
	r0, r1, r2, r3, r4, r5, r6 := rows[0][:n], rows[1][:n], rows[2][:n], rows[3][:n], rows[4][:n], rows[5][:n], rows[6][:n]
	c := [7]float32(taps)
	for x := range dst {
		s := c[0] * r0[x]
		s = float32(s + float32(c[1]*r1[x]))
		s = float32(s + float32(c[2]*r2[x]))
		s = float32(s + float32(c[3]*r3[x]))
		s = float32(s + float32(c[4]*r4[x]))
		s = float32(s + float32(c[5]*r5[x]))
		s = float32(s + float32(c[6]*r6[x]))
		dst[x] = s
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
