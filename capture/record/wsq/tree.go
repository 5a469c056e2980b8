package wsq

// The WSQ decomposition is a fixed tree of two-dimensional wavelet splits.
// Every split divides a rectangle into four quadrants: low/low at the top
// left, high-pass along x at the top right, high-pass along y at the bottom
// left and high/high at the bottom right. A quadrant that came from a
// high-pass branch is spectrally inverted, so when it is split again its
// high-pass half is stored first and, for odd lengths, is the shorter half.
//
// Twenty rectangles are split (the transform nodes); the leaves are the 64
// subbands numbered as in the specification. Subbands 60–63 (the finest
// diagonal detail) are never coded.

const (
	numSubbands   = 64 // subbands in the quantisation table
	codedSubbands = 60 // subbands 0..59 may carry data
	numNodes      = 20 // wavelet transform nodes

	// Coefficient blocks: subbands [0,19) in block 1, [19,52) in block 2,
	// [52,60) in block 3.
	block2Start = 19
	block3Start = 52
)

// rect is a rectangle of the coefficient plane with its spectral inversion
// flags: invX means the rectangle is a high-pass result along x of its
// parent, invY likewise along y.
type rect struct {
	x, y, w, h int
	invX, invY bool
}

// halves returns the lengths of the first and second half when a line of
// length n is split. The low-pass half gets the extra sample of an odd
// length; in an inverted line the high-pass half comes first.
func halves(n int, inv bool) (first, second int) {
	if inv {
		return n / 2, n - n/2
	}
	return n - n/2, n / 2
}

// quads splits r into its top-left, top-right, bottom-left and bottom-right
// quadrants.
func (r rect) quads() [4]rect {
	w1, w2 := halves(r.w, r.invX)
	h1, h2 := halves(r.h, r.invY)
	return [4]rect{
		{x: r.x, y: r.y, w: w1, h: h1},
		{x: r.x + w1, y: r.y, w: w2, h: h1, invX: true},
		{x: r.x, y: r.y + h1, w: w1, h: h2, invY: true},
		{x: r.x + w1, y: r.y + h1, w: w2, h: h2, invX: true, invY: true},
	}
}

// layout is the decomposition of one image size: the transform nodes in
// analysis order and the 64 subband rectangles.
type layout struct {
	nodes    [numNodes]rect
	subbands [numSubbands]rect
}

// newLayout builds the decomposition tree for a width × height image.
func newLayout(width, height int) *layout {
	l := &layout{}
	n0 := rect{w: width, h: height}
	q0 := n0.quads()
	n1, n2, n3 := q0[0], q0[1], q0[2]
	q1 := n1.quads()
	n14, n4, n5 := q1[0], q1[1], q1[2]
	q4, q5, q14 := n4.quads(), n5.quads(), n14.quads()
	q15 := q14[0].quads()
	n19 := q15[0]

	l.nodes = [numNodes]rect{n0, n1, n2, n3, n4, n5,
		q4[0], q4[1], q4[2], q4[3], q5[0], q5[1], q5[2], q5[3],
		n14, q14[0], q14[1], q14[2], q14[3], n19}

	quads := func(r rect) []rect { q := r.quads(); return q[:] }
	sb := l.subbands[:0]
	sb = append(sb, quads(n19)...)          // 0..3
	sb = append(sb, q15[1], q15[2], q15[3]) // 4..6
	for _, n := range q14[1:] {             // 7..18
		sb = append(sb, quads(n)...)
	}
	for _, n := range append(q4[:], q5[:]...) { // 19..50
		sb = append(sb, quads(n)...)
	}
	sb = append(sb, q1[3])           // 51
	sb = append(sb, quads(n2)...)    // 52..55
	sb = append(sb, quads(n3)...)    // 56..59
	sb = append(sb, quads(q0[3])...) // 60..63
	_ = sb
	return l
}
