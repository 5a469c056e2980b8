package extract

import "math"

// Ridge wavelength limits in pixels at 500 dpi (about 0.2–0.8 mm).
const (
	minWave = 4.0
	maxWave = 16.0
)

// frequency estimates the ridge wavelength of every foreground block from its oriented
// x-signature: grey levels sampled across the ridges (averaged along them) through the
// block centre; the mean distance between the signature's minima (ridge centres) is the
// wavelength. Unreliable blocks take the average of reliable neighbours.
func (f *field) frequency(g *gray) {
	n := f.bw * f.bh
	raw := make([]float32, n)
	var sig [32]float32
	for by := 0; by < f.bh; by++ {
		for bx := 0; bx < f.bw; bx++ {
			b := by*f.bw + bx
			if !f.fg[b] {
				continue
			}
			th := f.angle(b)
			dx, dy := math.Cos(th), math.Sin(th)
			cx, cy := float64(bx*blockSize+blockSize/2), float64(by*blockSize+blockSize/2)
			// every sample lies within 17.1 px (√(16²+6²)) of the centre: away from the
			// image edge no clamping is needed
			const reach = 18
			inside := cx >= reach && cy >= reach && cx+reach <= float64(g.w-1) && cy+reach <= float64(g.h-1)
			// sample (u, v) lies at (cx − u·dy + v·dx, cy + u·dx + v·dy); the products
			// along the ridge are the same for every u
			var vdx, vdy [7]float64
			for k := range vdx {
				v := float64(2*k - 6)
				vdx[k], vdy[k] = v*dx, v*dy
			}
			for t := range sig {
				u := float64(t - len(sig)/2)
				xu, yu := cx-u*dy, cy+u*dx
				var s float32
				if inside {
					for k := range vdx {
						x := int(xu + vdx[k] + 0.5)
						y := int(yu + vdy[k] + 0.5)
						s += g.pix[y*g.w+x]
					}
				} else {
					for k := range vdx {
						x := int(xu + vdx[k] + 0.5)
						y := int(yu + vdy[k] + 0.5)
						s += g.pix[clampI(y, 0, g.h-1)*g.w+clampI(x, 0, g.w-1)]
					}
				}
				sig[t] = s
			}
			raw[b] = signatureWave(sig[:])
		}
	}
	f.wave = make([]float32, n)
	var all []float32
	for b := range raw {
		if raw[b] > 0 {
			all = append(all, raw[b])
		}
	}
	f.waveValid = len(all)
	med := float32(9)
	if len(all) > 0 {
		med = percentile(all, 0.5)
	}
	for by := 0; by < f.bh; by++ {
		for bx := 0; bx < f.bw; bx++ {
			var s, c float32
			for y := max(by-2, 0); y <= min(by+2, f.bh-1); y++ {
				for _, r := range raw[y*f.bw+max(bx-2, 0) : y*f.bw+min(bx+2, f.bw-1)+1] {
					if r > 0 {
						s += r
						c++
					}
				}
			}
			w := med
			if c >= 3 {
				w = s / c
			}
			f.wave[by*f.bw+bx] = w
		}
	}
}

// signatureWave returns the mean distance between successive minima of a signature, or 0.
func signatureWave(sig []float32) float32 {
	if len(sig) < 5 {
		return 0 // no interior minimum possible
	}
	first, last, count := -1, -1, 0
	var lo, hi float32 = sig[0], sig[0]
	for _, v := range sig {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	if hi-lo < 1e-3 {
		return 0
	}
	// smoothed values (1 2 1) slide along: left, v, right; the minima are counted
	// without branches, as they fall irregularly
	left := sig[0] + 2*sig[1] + sig[2]
	v := sig[1] + 2*sig[2] + sig[3]
	for i := 2; i < len(sig)-2; i++ {
		right := sig[i] + 2*sig[i+1] + sig[i+2]
		isMin := b2i(v < left) & b2i(v <= right)
		first += (i - first) * (isMin & b2i(first < 0))
		last += (i - last) * isMin
		count += isMin
		left, v = v, right
	}
	if count < 2 {
		return 0
	}
	w := float32(last-first) / float32(count-1)
	if w < minWave || w > maxWave {
		return 0
	}
	return w
}

// b2i is 1 for true and 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
