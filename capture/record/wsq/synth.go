package wsq

// line reconstructs len(out) samples from one subband line in (low-pass
// then high-pass samples, or the reverse when inv is set).
func (f *synthesis) line(out, in []float32, inv bool, sc *scratch) {
	n := len(out)
	lo, hi := splitLine(in, n, inv)
	odd := n%2 == 1
	xl := pad(sc.xl, lo, 1, 2, false, !odd) // xl[i+1] = L[i]
	xh := pad(sc.xh, hi, 2, 2, true, odd)   // xh[i+2] = H[i]
	hlen := n / 2
	c := f
	for p := 0; p < hlen; p++ {
		l := xl[p : p+4 : p+4]
		h := xh[p : p+5 : p+5]
		a := c.lo[1] * l[0]
		a = float32(a + float32(c.lo[3]*l[1]))
		a = float32(a + float32(c.lo[5]*l[2]))
		a = float32(a + float32(c.hi[1]*h[0]))
		a = float32(a + float32(c.hi[3]*h[1]))
		a = float32(a + float32(c.hi[5]*h[2]))
		a = float32(a + float32(c.hi[7]*h[3]))
		b := c.lo[0] * l[0]
		b = float32(b + float32(c.lo[2]*l[1]))
		b = float32(b + float32(c.lo[4]*l[2]))
		b = float32(b + float32(c.lo[6]*l[3]))
		b = float32(b + float32(c.hi[0]*h[0]))
		b = float32(b + float32(c.hi[2]*h[1]))
		b = float32(b + float32(c.hi[4]*h[2]))
		b = float32(b + float32(c.hi[6]*h[3]))
		b = float32(b + float32(c.hi[8]*h[4]))
		out[2*p] = a
		out[2*p+1] = b
	}
	if odd {
		p := hlen
		l := xl[p : p+3]
		h := xh[p : p+4]
		a := c.lo[1] * l[0]
		a = float32(a + float32(c.lo[3]*l[1]))
		a = float32(a + float32(c.lo[5]*l[2]))
		a = float32(a + float32(c.hi[1]*h[0]))
		a = float32(a + float32(c.hi[3]*h[1]))
		a = float32(a + float32(c.hi[5]*h[2]))
		a = float32(a + float32(c.hi[7]*h[3]))
		out[n-1] = a
	}
}

// columns reconstructs the columns of the w × h region whose subband rows
// are rows(0..h-1); output row m is written to out(m).
func (f *synthesis) columns(out func(int) []float32, rows func(int) []float32, w, h int, inv bool, zero []float32) {
	llen, hlen := h-h/2, h/2
	odd := h%2 == 1
	lrow := func(i int) []float32 {
		i = reflect(i, llen, false, !odd)
		if inv {
			i += hlen
		}
		return rows(i)[:w]
	}
	hrow := func(i int) []float32 {
		if hlen == 0 {
			return zero[:w]
		}
		i = reflect(i, hlen, true, odd)
		if !inv {
			i += llen
		}
		return rows(i)[:w]
	}
	c := f
	for m := 0; m < h; m++ {
		p := m / 2
		dst := out(m)[:w]
		if m%2 == 0 {
			l0, l1, l2 := lrow(p-1), lrow(p), lrow(p+1)
			h0, h1, h2, h3 := hrow(p-2), hrow(p-1), hrow(p), hrow(p+1)
			l0, l1, l2 = l0[:len(dst)], l1[:len(dst)], l2[:len(dst)]
			h0, h1, h2, h3 = h0[:len(dst)], h1[:len(dst)], h2[:len(dst)], h3[:len(dst)]
			for x := range dst {
				a := c.lo[1] * l0[x]
				a = float32(a + float32(c.lo[3]*l1[x]))
				a = float32(a + float32(c.lo[5]*l2[x]))
				a = float32(a + float32(c.hi[1]*h0[x]))
				a = float32(a + float32(c.hi[3]*h1[x]))
				a = float32(a + float32(c.hi[5]*h2[x]))
				a = float32(a + float32(c.hi[7]*h3[x]))
				dst[x] = a
			}
			continue
		}
		l0, l1, l2, l3 := lrow(p-1), lrow(p), lrow(p+1), lrow(p+2)
		h0, h1, h2, h3, h4 := hrow(p-2), hrow(p-1), hrow(p), hrow(p+1), hrow(p+2)
		l0, l1, l2, l3 = l0[:len(dst)], l1[:len(dst)], l2[:len(dst)], l3[:len(dst)]
		h0, h1, h2, h3, h4 = h0[:len(dst)], h1[:len(dst)], h2[:len(dst)], h3[:len(dst)], h4[:len(dst)]
		for x := range dst {
			b := c.lo[0] * l0[x]
			b = float32(b + float32(c.lo[2]*l1[x]))
			b = float32(b + float32(c.lo[4]*l2[x]))
			b = float32(b + float32(c.lo[6]*l3[x]))
			b = float32(b + float32(c.hi[0]*h0[x]))
			b = float32(b + float32(c.hi[2]*h1[x]))
			b = float32(b + float32(c.hi[4]*h2[x]))
			b = float32(b + float32(c.hi[6]*h3[x]))
			b = float32(b + float32(c.hi[8]*h4[x]))
			dst[x] = b
		}
	}
}

// reconstruct inverts the decomposition of the plane (stride width) in
// place, last node first: columns into tmp, then rows back into the plane.
func (f *synthesis) reconstruct(plane []float32, width int, l *layout, tmp []float32, sc *scratch) {
	if cap(sc.zero) < width {
		sc.zero = make([]float32, width)
	}
	zero := sc.zero[:width]
	for k := numNodes - 1; k >= 0; k-- {
		r := l.nodes[k]
		if r.w == 0 || r.h == 0 {
			continue
		}
		sc.grow(max(r.w, r.h))
		w := r.w
		f.columns(
			func(m int) []float32 { return tmp[m*w:] },
			func(i int) []float32 { return plane[(r.y+i)*width+r.x:] },
			r.w, r.h, r.invY, zero)
		for y := 0; y < r.h; y++ {
			row := plane[(r.y+y)*width+r.x:][:w]
			f.line(row, tmp[y*w:][:w], r.invX, sc)
		}
	}
}
