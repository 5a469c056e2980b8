package extract

import (
	"math"
	"sort"
)

// blockSize is the side in pixels (at 500 dpi) of the blocks on which orientation,
// frequency and the foreground mask are estimated.
const blockSize = 8

// field holds the block-wise estimates over an image.
type field struct {
	bw, bh int
	// c2, s2 are the cosine and sine of twice the ridge orientation (doubled-angle form,
	// so opposite directions agree), per block.
	c2, s2  []float32
	coh     []float32 // orientation certainty 0..1
	energy  []float32 // mean squared gradient
	mean    []float32 // mean intensity
	fg      []bool    // foreground
	wave    []float32 // ridge wavelength in pixels (0 unknown)
	clarity []float32 // ridge–valley separation of the enhanced image, 0..1
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
	for y := 0; y < g.h; y++ {
		by := y / blockSize * bw
		for x := 0; x < w; x++ {
			b := by + x/blockSize
			f.mean[b] += p[y*w+x]
			cnt[b]++
			if x == 0 || y == 0 || x == w-1 || y == g.h-1 {
				continue
			}
			i := y*w + x
			gx := (p[i-w+1] + 2*p[i+1] + p[i+w+1]) - (p[i-w-1] + 2*p[i-1] + p[i+w-1])
			gy := (p[i+w-1] + 2*p[i+w] + p[i+w+1]) - (p[i-w-1] + 2*p[i-w] + p[i-w+1])
			gxx[b] += gx*gx - gy*gy
			gxy[b] += 2 * gx * gy
			gee[b] += gx*gx + gy*gy
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

// percentile returns the p-quantile (0..1) of v.
func percentile(v []float32, p float64) float32 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float32(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(p*float64(len(s)-1))]
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
