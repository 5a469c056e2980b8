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
	// padded copy: 0 valley, 1 ridge, outside for background and the frame
	const outside = 2
	pw := w + 2
	p := make([]uint8, pw*(h+2))
	for i := range p {
		p[i] = outside
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if f.fg[(y/blockSize)*f.bw+x/blockSize] {
				p[(y+1)*pw+x+1] = m[y*w+x]
			}
		}
	}
	seen := make([]bool, len(p))
	var stack, comp []int32
	for s := range p {
		v := p[s]
		if v == outside || seen[s] {
			continue
		}
		seen[s] = true
		stack = append(stack[:0], int32(s))
		comp = comp[:0]
		touches := false
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			comp = append(comp, int32(i))
			for _, j := range [4]int{i - 1, i + 1, i - pw, i + pw} {
				switch {
				case p[j] == outside:
					touches = true
				case p[j] == v && !seen[j]:
					seen[j] = true
					stack = append(stack, int32(j))
				}
			}
		}
		if touches || len(comp) >= minArea {
			continue
		}
		for _, i := range comp {
			x, y := int(i)%pw-1, int(i)/pw-1
			m[y*w+x] = 1 - v
		}
	}
}
