package extract

import "math"

// measures are the native quality measures of one image (see Quality for their meaning)
// with the per-block values the score is built from.
type measures struct {
	blocks    []blockMeasures // foreground 32×32 blocks
	ofMean    float64
	ofBlocks  int // 16×16 blocks with all neighbours on the finger
	ofChanged int // … of which turn by more than ofMinAngle
	roiMean   float64
	imgMean   float64
	imgStd    float64
}

// ofMinAngle is the orientation change between neighbouring blocks below which the flow
// counts as smooth (NFIQ 2's orientation flow uses 4°).
const ofMinAngle = 4 * math.Pi / 180

// measureBlocks computes the local measures on every 32×32 block wholly inside the
// finger (fg: the 8×8-block foreground of f) and the orientation flow on 16×16 blocks.
func measureBlocks(g *gray, f *field) measures {
	var m measures
	m.imgMean, m.imgStd = meanStd(g.pix)
	var roiSum float64
	roiN := 0
	for b, v := range f.fg {
		if !v {
			continue
		}
		bx, by := b%f.bw, b/f.bw
		for y := by * blockSize; y < min((by+1)*blockSize, g.h); y++ {
			for x := bx * blockSize; x < min((bx+1)*blockSize, g.w); x++ {
				roiSum += float64(g.pix[y*g.w+x])
				roiN++
			}
		}
	}
	if roiN > 0 {
		m.roiMean = roiSum / float64(roiN)
	}
	// gradient moments on 16×16 blocks; a 32×32 block's are the mean of its four
	const h = qBlock / 2
	hw, hh := g.w/h, g.h/h
	ma, mb, mc := make([]float64, hw*hh), make([]float64, hw*hh), make([]float64, hw*hh)
	inFinger := func(x0, y0, n int) bool { // all 8×8 blocks of the square on the finger
		for by := y0 / blockSize; by < (y0+n)/blockSize; by++ {
			for bx := x0 / blockSize; bx < (x0+n)/blockSize; bx++ {
				if bx >= f.bw || by >= f.bh || !f.fg[by*f.bw+bx] {
					return false
				}
			}
		}
		return true
	}
	for y := 0; y < hh; y++ {
		for x := 0; x < hw; x++ {
			if inFinger(x*h, y*h, h) {
				ma[y*hw+x], mb[y*hw+x], mc[y*hw+x] = gradMoments(g, x*h, y*h, h)
			}
		}
	}
	m.ofMean, m.ofBlocks, m.ofChanged = orientationFlow(ma, mb, mc, hw, hh, func(x, y int) bool { return inFinger(x*h, y*h, h) })
	var s profileScratch
	t := newDFTTable()
	var runBuf []int
	for y := 0; y+1 < hh; y += 2 {
		for x := 0; x+1 < hw; x += 2 {
			if !inFinger(x*h, y*h, qBlock) {
				continue
			}
			i := y*hw + x
			a := (ma[i] + ma[i+1] + ma[i+hw] + ma[i+hw+1]) / 4
			b := (mb[i] + mb[i+1] + mb[i+hw] + mb[i+hw+1]) / 4
			c := (mc[i] + mc[i+1] + mc[i+hw] + mc[i+hw+1]) / 4
			var bm blockMeasures
			bm.ocl, bm.coh, bm.theta = certainty(a, b, c)
			cx, cy := float64(x*h+h)-0.5, float64(y*h+h)-0.5
			s.slantedWindow(g, cx, cy, bm.theta)
			s.ridgesAndTrend()
			var first bool
			runBuf, first = s.runs(runBuf)
			bm.lcs = s.clarityOf(runBuf, first)
			bm.fda = s.frequencyDomain(t)
			bm.ratios = ratiosOf(runBuf, first, nil)
			m.blocks = append(m.blocks, bm)
		}
	}
	return m
}

// orientationFlow returns the mean, over the 16×16 blocks whose orientation differs from
// its eight neighbours' by more than ofMinAngle on average, of (difference − ofMinAngle)
// / (90° − ofMinAngle): 0 for smooth flow, 1 for ridges at right angles. Only blocks
// whose neighbours are all on the finger take part.
func orientationFlow(ma, mb, mc []float64, w, h int, fg func(x, y int) bool) (mean float64, n, changed int) {
	ang := make([]float64, w*h) // doubled gradient angle
	for i := range ang {
		ang[i] = math.Atan2(2*mc[i], ma[i]-mb[i])
	}
	var sum float64
	for y := 1; y+1 < h; y++ {
		for x := 1; x+1 < w; x++ {
			ok := true
			var d float64
			for dy := -1; dy <= 1 && ok; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if !fg(x+dx, y+dy) {
						ok = false
						break
					}
					diff := math.Abs(ang[(y+dy)*w+x+dx] - ang[y*w+x])
					if diff > math.Pi {
						diff = 2*math.Pi - diff
					}
					d += diff / 2 // back to single angles, 0 … 90°
				}
			}
			if !ok {
				continue
			}
			n++
			d /= 8
			if d > ofMinAngle {
				changed++
				sum += (d - ofMinAngle) / (math.Pi/2 - ofMinAngle)
			}
		}
	}
	if changed > 0 {
		mean = sum / float64(changed)
	}
	return mean, n, changed
}

// minutiaMeasures rates the minutiae (at 500 dpi) like NFIQ 2 does: how many lie in the
// 200×200-pixel square centred on their centre of mass, the share with an orientation
// certainty above 0.8 in the 32×32 block around them, and the share whose surrounding
// block is darker than the image mean by at most half a standard deviation (ridge
// detail at a normal contrast rather than a smudge or a bright gap).
func minutiaMeasures(g *gray, pts [][2]int, imgMean, imgStd float64) (central int, ocl80, mu2 float64) {
	if len(pts) == 0 {
		return 0, 0, 0
	}
	var sx, sy float64
	for _, p := range pts {
		sx, sy = sx+float64(p[0]), sy+float64(p[1])
	}
	cx, cy := sx/float64(len(pts)), sy/float64(len(pts))
	var nOCL, nMu int
	for _, p := range pts {
		if math.Abs(float64(p[0])-cx) <= 100 && math.Abs(float64(p[1])-cy) <= 100 {
			central++
		}
		x0 := clampI(p[0]-qBlock/2, 0, max(g.w-qBlock, 0))
		y0 := clampI(p[1]-qBlock/2, 0, max(g.h-qBlock, 0))
		n := min(qBlock, g.w, g.h)
		if o, _, _ := certainty(gradMoments(g, x0, y0, n)); o > 0.8 {
			nOCL++
		}
		var s float64
		for y := y0; y < y0+n; y++ {
			for x := x0; x < x0+n; x++ {
				s += float64(g.pix[y*g.w+x])
			}
		}
		if imgStd > 0 {
			if d := (imgMean - s/float64(n*n)) / imgStd; d > 0 && d <= 0.5 {
				nMu++
			}
		}
	}
	return central, float64(nOCL) / float64(len(pts)), float64(nMu) / float64(len(pts))
}

func meanStd(v []float32) (mean, std float64) {
	if len(v) == 0 {
		return 0, 0
	}
	var s, ss float64
	for _, x := range v {
		s += float64(x)
		ss += float64(x) * float64(x)
	}
	mean = s / float64(len(v))
	return mean, math.Sqrt(math.Max(0, ss/float64(len(v))-mean*mean))
}
