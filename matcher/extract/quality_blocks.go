package extract

import "math"

// The local measures of ISO/IEC 29794-4 (NFIQ 2) are taken on 32×32-pixel blocks of the
// 500-dpi image that lie wholly on the finger. Inside each block the grey-level
// gradients give the ridge orientation and its certainty; a "slanted" window of 32
// pixels across the ridges by 16 along them, centred on the block, gives the
// ridge–valley profile from which clarity, frequency and uniformity are read.
const (
	qBlock  = 32 // block side in pixels
	qAcross = 32 // slanted window: samples across the ridges
	qAlong  = 16 // slanted window: samples along the ridges
)

// blockMeasures are the local measures of one foreground block.
type blockMeasures struct {
	ocl   float64 // orientation certainty 1 − λmin/λmax, 0 … 1
	coh   float64 // coherence (λmax − λmin)/(λmax + λmin), 0 … 1
	lcs   float64 // local clarity 1 − (α+β)/2, 0 when ridge or valley widths are implausible
	fda   float64 // share of the profile's spectrum in its dominant frequency
	theta float64 // ridge direction, radians, image coordinates
	// ratios are the ridge/valley width ratios of successive complete runs (RVU).
	ratios []float64
}

// gradMoments returns the mean products of the central-difference gradients over the
// square [x0, x0+n)×[y0, y0+n): a = ⟨gx²⟩, b = ⟨gy²⟩, c = ⟨gx·gy⟩. At the image edges
// the differences are one-sided.
func gradMoments(g *gray, x0, y0, n int) (a, b, c float64) {
	w := g.w
	var sa, sb, sc float32
	for y := y0; y < y0+n; y++ {
		ym, yp := max(y-1, 0), min(y+1, g.h-1)
		fy := float32(2) / float32(yp-ym) // differences per 2 pixels, like the interior
		row, up, down := g.pix[y*w:(y+1)*w], g.pix[ym*w:(ym+1)*w], g.pix[yp*w:(yp+1)*w]
		for x := x0; x < x0+n; x++ {
			var gx float32
			switch {
			case x == 0:
				gx = 2 * (row[1] - row[0])
			case x == w-1:
				gx = 2 * (row[x] - row[x-1])
			default:
				gx = row[x+1] - row[x-1]
			}
			gy := (down[x] - up[x]) * fy
			sa += gx * gx
			sb += gy * gy
			sc += gx * gy
		}
	}
	k := 4 * float64(n*n) // the differences above are twice the gradient
	return float64(sa) / k, float64(sb) / k, float64(sc) / k
}

// certainty returns OCL = 1 − λmin/λmax and the coherence of the gradient covariance
// [a c; c b], and the ridge direction (perpendicular to the dominant gradient).
func certainty(a, b, c float64) (ocl, coh, theta float64) {
	d := math.Sqrt((a-b)*(a-b) + 4*c*c)
	lmax, lmin := (a+b+d)/2, (a+b-d)/2
	if lmax <= 0 {
		return 0, 0, 0
	}
	ocl = 1 - lmin/lmax
	coh = d / (a + b)
	theta = 0.5*math.Atan2(2*c, a-b) + math.Pi/2
	return ocl, coh, theta
}

// profileScratch holds the slanted window of one block.
type profileScratch struct {
	win     [qAlong][qAcross]float64
	profile [qAcross]float64
	trend   [qAcross]float64
	ridge   [qAcross]bool
}

// slantedWindow samples the window centred on (cx, cy) whose columns run along the
// ridge direction theta, and averages each column into the profile across the ridges.
func (s *profileScratch) slantedWindow(g *gray, cx, cy, theta float64) {
	dx, dy := math.Cos(theta), math.Sin(theta) // along the ridges
	nx, ny := -dy, dx                          // across them
	const reach = qAcross                      // the window lies within this distance of its centre
	inside := cx >= reach && cy >= reach && cx < float64(g.w-1-reach) && cy < float64(g.h-1-reach)
	// the products along the ridges are the same for every column
	var vdx, vdy [qAlong]float64
	for i := range vdx {
		v := float64(i) - (qAlong-1)/2.0
		vdx[i], vdy[i] = v*dx, v*dy
	}
	for j := range s.profile {
		u := float64(j) - (qAcross-1)/2.0
		xu, yu := cx+u*nx, cy+u*ny
		var sum float64
		for i := 0; i < qAlong; i++ {
			x, y := xu+vdx[i], yu+vdy[i]
			var p float64
			if inside {
				p = g.interior(x, y)
			} else {
				p = g.bilinear(x, y)
			}
			s.win[i][j] = p
			sum += p
		}
		s.profile[j] = sum / qAlong
	}
}

// interior samples the image bilinearly at (x, y), which must lie at least one pixel
// inside it.
func (g *gray) interior(x, y float64) float64 {
	x0, y0 := int(x), int(y)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	i := y0*g.w + x0
	p := g.pix[i : i+g.w+2]
	a := p[0] + (p[1]-p[0])*fx
	b := p[g.w] + (p[g.w+1]-p[g.w])*fx
	return float64(a + (b-a)*fy)
}

// bilinear samples the image at (x, y), clamped at the edges.
func (g *gray) bilinear(x, y float64) float64 {
	if x < 0 {
		x = 0
	} else if x > float64(g.w-1) {
		x = float64(g.w - 1)
	}
	if y < 0 {
		y = 0
	} else if y > float64(g.h-1) {
		y = float64(g.h - 1)
	}
	x0, y0 := int(x), int(y)
	x1, y1 := x0+1, y0+1
	if x1 >= g.w {
		x1 = x0
	}
	if y1 >= g.h {
		y1 = y0
	}
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	r0, r1 := g.pix[y0*g.w:], g.pix[y1*g.w:]
	a := r0[x0] + (r0[x1]-r0[x0])*fx
	b := r1[x0] + (r1[x1]-r1[x0])*fx
	return float64(a + (b-a)*fy)
}

// ridgesAndTrend splits the profile into ridge (darker than its least-squares linear
// trend) and valley samples.
func (s *profileScratch) ridgesAndTrend() {
	const n = float64(qAcross)
	var sx, sy, sxx, sxy float64
	for i, v := range s.profile {
		x := float64(i)
		sx, sy, sxx, sxy = sx+x, sy+v, sxx+x*x, sxy+x*v
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	icpt := (sy - slope*sx) / n
	for i, v := range s.profile {
		s.trend[i] = icpt + slope*float64(i)
		s.ridge[i] = v < s.trend[i]
	}
}

// runs returns the lengths of the maximal runs of equal ridge/valley labels and whether
// the first run is a ridge.
func (s *profileScratch) runs(buf []int) ([]int, bool) {
	buf = buf[:0]
	n := 1
	for i := 1; i < qAcross; i++ {
		if s.ridge[i] == s.ridge[i-1] {
			n++
			continue
		}
		buf = append(buf, n)
		n = 1
	}
	return append(buf, n), s.ridge[0]
}

// Plausible ridge and valley widths at 500 dpi (pixels) for local clarity.
const (
	ridgeWidthMin, ridgeWidthMax   = 3.0, 10.0
	valleyWidthMin, valleyWidthMax = 2.0, 10.0
)

// clarityOf scores how cleanly the window's grey levels separate into ridge and valley:
// α is the share of valley pixels darker than the trend, β the share of ridge pixels
// lighter; LCS = 1 − (α+β)/2. Blocks whose mean complete ridge or valley width is
// implausible score 0.
func (s *profileScratch) clarityOf(rs []int, firstRidge bool) float64 {
	if len(rs) < 3 {
		return 0 // not even one complete ridge or valley
	}
	var wr, wv, nr, nv float64
	ridge := firstRidge
	for k, w := range rs {
		if k > 0 && k < len(rs)-1 { // complete runs only
			if ridge {
				wr, nr = wr+float64(w), nr+1
			} else {
				wv, nv = wv+float64(w), nv+1
			}
		}
		ridge = !ridge
	}
	if nr > 0 && (wr/nr < ridgeWidthMin || wr/nr > ridgeWidthMax) ||
		nv > 0 && (wv/nv < valleyWidthMin || wv/nv > valleyWidthMax) {
		return 0
	}
	var rBad, vBad, rN, vN float64
	for i := range s.win {
		for j, p := range s.win[i] {
			if s.ridge[j] {
				rN++
				if p >= s.trend[j] {
					rBad++
				}
			} else {
				vN++
				if p < s.trend[j] {
					vBad++
				}
			}
		}
	}
	if rN == 0 || vN == 0 {
		return 0
	}
	return 1 - (rBad/rN+vBad/vN)/2
}

// ratiosOf returns the width ratios of successive complete runs, each as ridge/valley.
func ratiosOf(rs []int, firstRidge bool, out []float64) []float64 {
	ridge := !firstRidge // label of rs[1]
	for k := 1; k+2 < len(rs); k++ {
		a, b := float64(rs[k]), float64(rs[k+1])
		if ridge {
			out = append(out, a/b)
		} else {
			out = append(out, b/a)
		}
		ridge = !ridge
	}
	return out
}

// dftTable holds cos and sin of 2πjk/32 for the profile's spectrum.
type dftTable struct{ cos, sin [qAcross][qAcross / 2]float64 }

func newDFTTable() *dftTable {
	t := &dftTable{}
	for j := 0; j < qAcross; j++ {
		for k := 1; k < qAcross/2; k++ {
			a := 2 * math.Pi * float64(j*k) / qAcross
			t.cos[j][k], t.sin[j][k] = math.Cos(a), math.Sin(a)
		}
	}
	return t
}

// frequencyDomain returns the FDA measure of the profile: the amplitude of its dominant
// non-zero frequency plus 0.3 of each neighbour's, over the sum of the amplitudes of
// frequencies 1…15 (cycles per window).
func (s *profileScratch) frequencyDomain(t *dftTable) float64 {
	var amp [qAcross / 2]float64
	var sum float64
	best := 1
	for k := 1; k < qAcross/2; k++ {
		var re, im float64
		for j, v := range s.profile {
			re += v * t.cos[j][k]
			im += v * t.sin[j][k]
		}
		amp[k] = math.Hypot(re, im)
		sum += amp[k]
		if amp[k] > amp[best] {
			best = k
		}
	}
	if sum == 0 {
		return 0
	}
	peak := amp[best]
	if best > 1 {
		peak += 0.3 * amp[best-1]
	}
	if best+1 < qAcross/2 {
		peak += 0.3 * amp[best+1]
	}
	return peak / sum
}
