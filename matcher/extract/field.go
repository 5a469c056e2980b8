package extract

import (
	"math"
)

// blockSize is the side in pixels (at 500 dpi) of the blocks on which orientation,
// frequency and the foreground mask are estimated.
const blockSize = 8

// field holds the block-wise estimates over an image.
type field struct {
	bw, bh int
	// c2, s2 are the cosine and sine of twice the ridge orientation (doubled-angle form,
	// so opposite directions agree), per block.
	c2, s2 []float32
	coh    []float32 // orientation certainty 0..1
	energy []float32 // mean squared gradient
	mean   []float32 // mean intensity
	fg     []bool    // foreground
	wave   []float32 // ridge wavelength in pixels (0 unknown)
	// waveValid counts the foreground blocks with a clear ridge frequency of their own.
	waveValid int
}

// blockSums computes per-block gradient moments with a Sobel operator.
func blockSums(g *gray) (f *field, gxx, gxy, gee []float32) {
	bw, bh := (g.w+blockSize-1)/blockSize, (g.h+blockSize-1)/blockSize
	f = &field{bw: bw, bh: bh}
	n := bw * bh
	gxx, gxy, gee = make([]float32, n), make([]float32, n), make([]float32, n)
	f.mean = make([]float32, n)
	cnt := make([]float32, n)
	w := g.w
	p := g.pix
	// Each block's sums are carried in registers along a row of the block and added
	// pixel by pixel in the same order as a plain per-pixel loop would.
	for y := 0; y < g.h; y++ {
		by := y / blockSize * bw
		row := p[y*w : (y+1)*w]
		edgeRow := y == 0 || y == g.h-1
		var up, down []float32
		if !edgeRow {
			up, down = p[(y-1)*w:y*w], p[(y+1)*w:(y+2)*w]
		}
		for x0 := 0; x0 < w; x0 += blockSize {
			b := by + x0/blockSize
			x1 := min(x0+blockSize, w)
			m := f.mean[b]
			for _, v := range row[x0:x1] {
				m += v
			}
			f.mean[b] = m
			cnt[b] += float32(x1 - x0)
			if edgeRow {
				continue
			}
			sxx, sxy, see := gxx[b], gxy[b], gee[b]
			for x := max(x0, 1); x < min(x1, w-1); x++ {
				gx := (up[x+1] + 2*row[x+1] + down[x+1]) - (up[x-1] + 2*row[x-1] + down[x-1])
				gy := (down[x-1] + 2*down[x] + down[x+1]) - (up[x-1] + 2*up[x] + up[x+1])
				sxx += gx*gx - gy*gy
				sxy += 2 * gx * gy
				see += gx*gx + gy*gy
			}
			gxx[b], gxy[b], gee[b] = sxx, sxy, see
		}
	}
	for b := range cnt {
		f.mean[b] /= cnt[b]
	}
	f.energy = make([]float32, n)
	for b := range gee {
		f.energy[b] = gee[b] / cnt[b]
	}
	return f, gxx, gxy, gee
}

// orientation fills c2, s2 and coh from the gradient moments summed over windows of
// (2r+1)² blocks.
func (f *field) orientation(gxx, gxy, gee []float32, r int) {
	n := f.bw * f.bh
	f.c2, f.s2, f.coh = make([]float32, n), make([]float32, n), make([]float32, n)
	for by := 0; by < f.bh; by++ {
		for bx := 0; bx < f.bw; bx++ {
			var sx, sy, se float32
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					x, y := bx+dx, by+dy
					if x < 0 || y < 0 || x >= f.bw || y >= f.bh {
						continue
					}
					b := y*f.bw + x
					sx, sy, se = sx+gxx[b], sy+gxy[b], se+gee[b]
				}
			}
			b := by*f.bw + bx
			m := float32(math.Sqrt(float64(sx*sx + sy*sy)))
			if m > 0 {
				// the gradient's doubled angle points across the ridges: negate for ridges
				f.c2[b], f.s2[b] = -sx/m, -sy/m
			}
			if se > 0 {
				f.coh[b] = m / se
			}
		}
	}
}

// smoothOrientation averages the doubled-angle vectors over foreground blocks with a
// Gaussian of sigma blocks, weighted by certainty; background blocks take the average of
// the foreground near them.
func (f *field) smoothOrientation(sigma float64) {
	r := int(math.Ceil(2 * sigma))
	k := make([]float32, 2*r+1)
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
	}
	n := f.bw * f.bh
	wc, ws := make([]float32, n), make([]float32, n)
	for b := range wc {
		if f.fg[b] {
			w := f.coh[b] + 0.05
			wc[b], ws[b] = f.c2[b]*w, f.s2[b]*w
		}
	}
	wc = f.blur(wc, k)
	ws = f.blur(ws, k)
	for b := range wc {
		m := float32(math.Sqrt(float64(wc[b]*wc[b] + ws[b]*ws[b])))
		if m > 0 {
			f.c2[b], f.s2[b] = wc[b]/m, ws[b]/m
		}
	}
}

// blur convolves a block map with a separable kernel (edges clamped).
func (f *field) blur(v, k []float32) []float32 {
	r := len(k) / 2
	tmp := make([]float32, len(v))
	out := make([]float32, len(v))
	for y := 0; y < f.bh; y++ {
		for x := 0; x < f.bw; x++ {
			var s float32
			for i, kv := range k {
				s += kv * v[y*f.bw+clampI(x+i-r, 0, f.bw-1)]
			}
			tmp[y*f.bw+x] = s
		}
	}
	for y := 0; y < f.bh; y++ {
		for x := 0; x < f.bw; x++ {
			var s float32
			for i, kv := range k {
				s += kv * tmp[clampI(y+i-r, 0, f.bh-1)*f.bw+x]
			}
			out[y*f.bw+x] = s
		}
	}
	return out
}

// angle returns the ridge orientation of block b in [0, π), image coordinates (y down).
func (f *field) angle(b int) float64 {
	a := 0.5 * math.Atan2(float64(f.s2[b]), float64(f.c2[b]))
	if a < 0 {
		a += math.Pi
	}
	return a
}

// percentile returns the p-quantile (0..1) of v: the element at index ⌊p·(n−1)⌋ of v
// sorted ascending. v's values must not be NaN; v is left as it is.
func percentile(v []float32, p float64) float32 {
	if len(v) == 0 {
		return 0
	}
	s := getBuf[float32](&float32Bufs, len(v), false)
	defer putBuf(&float32Bufs, s)
	copy(s, v)
	return selectKth(s, int(p*float64(len(s)-1)))
}

// selectKth returns the value that sorting s ascending would put at index k, reordering
// s (quickselect with a median-of-three pivot; insertion sort for short ranges).
func selectKth(s []float32, k int) float32 {
	lo, hi := 0, len(s)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		// order s[lo], s[mid], s[hi]; the median becomes the pivot
		if s[mid] < s[lo] {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if s[hi] < s[lo] {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if s[hi] < s[mid] {
			s[hi], s[mid] = s[mid], s[hi]
		}
		pivot := s[mid]
		i, j := lo, hi
		for i <= j {
			for s[i] < pivot {
				i++
			}
			for pivot < s[j] {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		// now s[lo..j] ≤ pivot ≤ s[i..hi], and s[j+1..i-1] equal the pivot
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return pivot
		}
	}
	for i := lo + 1; i <= hi; i++ {
		for j := i; j > lo && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[k]
}

// angleAt returns the ridge orientation in [0, π) at pixel (x, y), interpolated
// bilinearly in doubled-angle form between the centres of the four nearest blocks.
func (f *field) angleAt(x, y int) float64 {
	b00, b01, b10, b11, wx, wy := f.corners(x, y)
	c := (f.c2[b00]*(1-wx)+f.c2[b01]*wx)*(1-wy) + (f.c2[b10]*(1-wx)+f.c2[b11]*wx)*wy
	s := (f.s2[b00]*(1-wx)+f.s2[b01]*wx)*(1-wy) + (f.s2[b10]*(1-wx)+f.s2[b11]*wx)*wy
	a := 0.5 * math.Atan2(float64(s), float64(c))
	if a < 0 {
		a += math.Pi
	}
	return a
}

// corners returns the four blocks whose centres surround pixel (x, y) (clamped at the
// edges) and the bilinear weights of the right and lower ones.
func (f *field) corners(x, y int) (b00, b01, b10, b11 int, wx, wy float32) {
	fx := (float32(x)+0.5)/blockSize - 0.5
	fy := (float32(y)+0.5)/blockSize - 0.5
	x0, y0 := int(math.Floor(float64(fx))), int(math.Floor(float64(fy)))
	wx, wy = fx-float32(x0), fy-float32(y0)
	x0c, x1c := clampI(x0, 0, f.bw-1), clampI(x0+1, 0, f.bw-1)
	y0c, y1c := clampI(y0, 0, f.bh-1), clampI(y0+1, 0, f.bh-1)
	return y0c*f.bw + x0c, y0c*f.bw + x1c, y1c*f.bw + x0c, y1c*f.bw + x1c, wx, wy
}
