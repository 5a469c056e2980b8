package wsq

// Row kernels of the column synthesis: output row = weighted sum of
// subband rows, in the reference operation order (low-pass rows first,
// then high-pass rows, each in increasing position).

func (f *synthesis) even(dst, l0, l1, l2, h0, h1, h2, h3 []float32) {
	n := len(dst)
	l0, l1, l2 = l0[:n], l1[:n], l2[:n]
	h0, h1, h2, h3 = h0[:n], h1[:n], h2[:n], h3[:n]
	c := f
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
}

func (f *synthesis) evenLow(dst, l0, l1, l2 []float32) {
	n := len(dst)
	l0, l1, l2 = l0[:n], l1[:n], l2[:n]
	c := f
	for x := range dst {
		a := c.lo[1] * l0[x]
		a = float32(a + float32(c.lo[3]*l1[x]))
		dst[x] = float32(a + float32(c.lo[5]*l2[x]))
	}
}

func (f *synthesis) odd(dst, l0, l1, l2, l3, h0, h1, h2, h3, h4 []float32) {
	n := len(dst)
	l0, l1, l2, l3 = l0[:n], l1[:n], l2[:n], l3[:n]
	h0, h1, h2, h3, h4 = h0[:n], h1[:n], h2[:n], h3[:n], h4[:n]
	c := f
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

func (f *synthesis) oddLow(dst, l0, l1, l2, l3 []float32) {
	n := len(dst)
	l0, l1, l2, l3 = l0[:n], l1[:n], l2[:n], l3[:n]
	c := f
	for x := range dst {
		b := c.lo[0] * l0[x]
		b = float32(b + float32(c.lo[2]*l1[x]))
		b = float32(b + float32(c.lo[4]*l2[x]))
		dst[x] = float32(b + float32(c.lo[6]*l3[x]))
	}
}
