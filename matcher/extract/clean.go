package extract

// specksArea is the area, in squared ridge wavelengths, below which an enclosed speck of
// ridge or pinhole of valley is flipped before thinning (measured: anything from 0.25 to
// 1 does about as well; 0 is clearly worse).
const specksArea = 0.5

// cleanSpecks flips, inside the finger, the 4-connected components of ridge pixels and
// of valley pixels smaller than minArea that do not touch the edge of the finger: ridge
// specks (pores between ridges, noise) and valley pinholes (pores on ridges), which would
// otherwise thin into short ridges, spurs and lakes, i.e. pairs of false minutiae.
// Components touching the edge of the finger are kept: they may be ridges cut by it.
func cleanSpecks(m []uint8, w, h int, f *field, minArea int) {
	// padded copy: 0 valley, 1 ridge, outside for background and the frame; a pixel's
	// component has been found when its value has the seen bit
	const outside, seen = 2, 4
	pw := w + 2
	p := getBuf[uint8](&uint8Bufs, pw*(h+2), false)
	defer putBuf(&uint8Bufs, p)
	for i := range p {
		p[i] = outside
	}
	for y := 0; y < h; y++ {
		fgRow := f.fg[(y/blockSize)*f.bw : (y/blockSize+1)*f.bw]
		src, dst := m[y*w:(y+1)*w], p[(y+1)*pw+1:(y+2)*pw-1]
		for bx, v := range fgRow {
			if v {
				x0, x1 := bx*blockSize, min((bx+1)*blockSize, w)
				copy(dst[x0:x1], src[x0:x1])
			}
		}
	}
	stack := getBuf[int32](&int32Bufs, len(p), false)
	defer putBuf(&int32Bufs, stack)
	comp := getBuf[int32](&int32Bufs, max(minArea, 1), false)
	defer putBuf(&int32Bufs, comp)
	for s, v := range p {
		if v >= outside { // background or already seen
			continue
		}
		p[s] = v | seen
		stack[0] = int32(s)
		top, n := 1, 0 // stack height, component size
		touches := false
		for top > 0 {
			top--
			i := int(stack[top])
			if n < len(comp) { // only components smaller than minArea are flipped
				comp[n] = int32(i)
			}
			n++
			for _, j := range [4]int{i - 1, i + 1, i - pw, i + pw} {
				switch q := p[j]; q {
				case outside:
					touches = true
				case v:
					p[j] = v | seen
					stack[top] = int32(j)
					top++
				}
			}
		}
		if touches || n >= minArea {
			continue
		}
		for _, i := range comp[:n] {
			x, y := int(i)%pw-1, int(i)/pw-1
			m[y*w+x] = 1 - v
		}
	}
}
