package wsq

// Skipping the products of an all-zero high-pass line changes no sum
// (adding +0 or −0 leaves a float unchanged, up to the sign of a zero
// result, which no later step can observe), so the decoder stays
// bit-exact while saving most of the work in the finest, mostly empty
// subbands.

// line reconstructs len(out) samples from one subband line in (low-pass
// then high-pass samples, or the reverse when inv is set).
func (f *synthesis) line(out, in []float32, inv bool, sc *scratch) {
	n := len(out)
	lo, hi := splitLine(in, n, inv)
	odd := n%2 == 1
	xl := pad(sc.xl, lo, 1, 2, false, !odd) // xl[i+1] = L[i]
	hlen := n / 2
	c := f
	if allZero(hi) {
		for p := 0; p < hlen; p++ {
			l := xl[p : p+4 : p+4]
			a := c.lo[1] * l[0]
			a = float32(a + float32(c.lo[3]*l[1]))
			a = float32(a + float32(c.lo[5]*l[2]))
			b := c.lo[0] * l[0]
			b = float32(b + float32(c.lo[2]*l[1]))
			b = float32(b + float32(c.lo[4]*l[2]))
			b = float32(b + float32(c.lo[6]*l[3]))
			out[2*p] = a
			out[2*p+1] = b
		}
		if odd {
			l := xl[hlen : hlen+3]
			a := c.lo[1] * l[0]
			a = float32(a + float32(c.lo[3]*l[1]))
			out[n-1] = float32(a + float32(c.lo[5]*l[2]))
		}
		return
	}
	xh := pad(sc.xh, hi, 2, 2, true, odd) // xh[i+2] = H[i]
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

func allZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// columns reconstructs the columns of the w × h region whose subband rows
// are rows(0..h-1); output row m is written to out(m). zeroRows is
// scratch for one flag per high-pass row.
func (f *synthesis) columns(out func(int) []float32, rows func(int) []float32, w, h int, inv bool, zeroRows []bool) {
	llen, hlen := h-h/2, h/2
	odd := h%2 == 1
	lrow := func(i int) []float32 {
		i = reflect(i, llen, false, !odd)
		if inv {
			i += hlen
		}
		return rows(i)[:w]
	}
	hindex := func(i int) int { return reflect(i, hlen, true, odd) }
	hrow := func(i int) []float32 {
		if !inv {
			i += llen
		}
		return rows(i)[:w]
	}
	zeroRows = zeroRows[:hlen]
	for k := range zeroRows {
		zeroRows[k] = allZero(hrow(k))
	}
	// highZero reports whether the high-pass rows from..to are all zero.
	highZero := func(from, to int) bool {
		if hlen == 0 {
			return true
		}
		for i := from; i <= to; i++ {
			if !zeroRows[hindex(i)] {
				return false
			}
		}
		return true
	}
	for m := 0; m < h; m++ {
		p := m / 2
		dst := out(m)[:w]
		switch {
		case m%2 == 0 && highZero(p-2, p+1):
			f.evenLow(dst, lrow(p-1), lrow(p), lrow(p+1))
		case m%2 == 0:
			f.even(dst, lrow(p-1), lrow(p), lrow(p+1),
				hrow(hindex(p-2)), hrow(hindex(p-1)), hrow(hindex(p)), hrow(hindex(p+1)))
		case highZero(p-2, p+2):
			f.oddLow(dst, lrow(p-1), lrow(p), lrow(p+1), lrow(p+2))
		default:
			f.odd(dst, lrow(p-1), lrow(p), lrow(p+1), lrow(p+2),
				hrow(hindex(p-2)), hrow(hindex(p-1)), hrow(hindex(p)), hrow(hindex(p+1)), hrow(hindex(p+2)))
		}
	}
}

// reconstruct inverts the decomposition of the plane (stride width) in
// place, last node first: columns into tmp, then rows back into the plane.
func (f *synthesis) reconstruct(plane []float32, width int, l *layout, tmp []float32, sc *scratch) {
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
			r.w, r.h, r.invY, sc.zeroRows)
		for y := 0; y < r.h; y++ {
			row := plane[(r.y+y)*width+r.x:][:w]
			f.line(row, tmp[y*w:][:w], r.invX, sc)
		}
	}
}
