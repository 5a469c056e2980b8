package extract

import "math"

// Enhancement is a two-pass oriented filter, a separable stand-in for a Gabor filter bank:
// first smooth along the local ridge orientation (closing small breaks and pores), then
// filter across it with an even, zero-mean Gabor profile tuned to the local ridge
// wavelength. The sign of the result is the binary ridge map. Filters are precomputed per
// orientation bin and wavelength, as offsets into an edge-padded copy of the image.
const (
	angleBins   = 24
	alongRadius = 8
	alongSigma  = 4.0
	padMargin   = 24
)

// tap is one weighted sample at a linear offset in the padded image.
type tap struct {
	off int
	w   float32
}

// filterBank holds the along-ridge and across-ridge kernels for one padded image width.
type filterBank struct {
	stride int
	along  [angleBins][]tap
	across [angleBins][int(maxWave) + 1][]tap
}

// buildFilterBank computes the kernels of every orientation bin and wavelength for one
// padded image width.
func buildFilterBank(stride int) *filterBank {
	fb := &filterBank{stride: stride}
	for a := range angleBins {
		th := float64(a) * math.Pi / angleBins
		dx, dy := math.Cos(th), math.Sin(th)
		var sum float32
		for t := -alongRadius; t <= alongRadius; t++ {
			x, y := int(math.Round(float64(t)*dx)), int(math.Round(float64(t)*dy))
			w := float32(math.Exp(-float64(t*t) / (2 * alongSigma * alongSigma)))
			fb.along[a] = append(fb.along[a], tap{y*stride + x, w})
			sum += w
		}
		for i := range fb.along[a] {
			fb.along[a][i].w /= sum
		}
		for wl := int(minWave); wl <= int(maxWave); wl++ {
			fb.across[a][wl] = acrossKernel(-dy, dx, float64(wl), stride)
		}
	}
	return fb
}

// acrossKernel samples an even Gabor profile along the normal (nx, ny); each tap is
// weighted by its true distance from the centre line so rounding to pixels does not skew
// the profile, and the weights are made zero-mean.
func acrossKernel(nx, ny, wl float64, stride int) []tap {
	sigma := 0.5 * wl
	k := int(math.Ceil(wl))
	var taps []tap
	var mean float64
	for t := -k; t <= k; t++ {
		x, y := int(math.Round(float64(t)*nx)), int(math.Round(float64(t)*ny))
		d := float64(x)*nx + float64(y)*ny
		w := math.Exp(-d*d/(2*sigma*sigma)) * math.Cos(2*math.Pi*d/wl)
		taps = append(taps, tap{y*stride + x, float32(w)})
		mean += w
	}
	mean /= float64(len(taps))
	for i := range taps {
		taps[i].w -= float32(mean)
	}
	return taps
}

// enhance returns the binary ridge map (1 ridge, 0 valley or background) of the
// foreground of g.
func enhance(g *gray, f *field, fb *filterBank) []uint8 {
	pw := g.w + 2*padMargin
	pad := getBuf[float32](&float32Bufs, pw*(g.h+2*padMargin), false)
	defer putBuf(&float32Bufs, pad)
	for y := -padMargin; y < g.h+padMargin; y++ {
		src := g.pix[clampI(y, 0, g.h-1)*g.w:]
		row := pad[(y+padMargin)*pw:]
		copy(row[padMargin:padMargin+g.w], src[:g.w])
		left, right := row[:padMargin], row[padMargin+g.w:pw]
		for x := range left {
			left[x] = src[0]
		}
		for x := range right {
			right[x] = src[g.w-1]
		}
	}
	abin := pixelAngles(g, f)
	defer putBuf(&uint8Bufs, abin)
	smooth := getBuf[float32](&float32Bufs, len(pad), false)
	defer putBuf(&float32Bufs, smooth)
	copy(smooth, pad)
	// Pixels are filtered in runs along a row that share one kernel (same orientation
	// bin, and for the across pass the same wavelength).
	for y := 0; y < g.h; y++ {
		bins := abin[y*g.w : (y+1)*g.w]
		fgRow := f.fg[(y/blockSize)*f.bw : (y/blockSize+1)*f.bw]
		row := (y+padMargin)*pw + padMargin
		for x := 0; x < g.w; {
			if !fgRow[x/blockSize] {
				x += blockSize - x%blockSize
				continue
			}
			n := 1
			for x+n < g.w && bins[x+n] == bins[x] && fgRow[(x+n)/blockSize] {
				n++
			}
			convolveRun(smooth[row+x:row+x+n], pad, row+x, fb.along[bins[x]])
			x += n
		}
	}
	out := getBuf[uint8](&uint8Bufs, g.w*g.h, true)
	acc := make([]float32, g.w)
	wls := make([]uint8, f.bw)
	for y := 0; y < g.h; y++ {
		bins := abin[y*g.w : (y+1)*g.w]
		brow := (y / blockSize) * f.bw
		fgRow := f.fg[brow : brow+f.bw]
		if y%blockSize == 0 {
			for bx := range wls {
				wls[bx] = uint8(clampI(int(f.wave[brow+bx]+0.5), int(minWave), int(maxWave)))
			}
		}
		row := (y+padMargin)*pw + padMargin
		for x := 0; x < g.w; {
			if !fgRow[x/blockSize] {
				x += blockSize - x%blockSize
				continue
			}
			wl := wls[x/blockSize]
			n := 1
			for x+n < g.w && bins[x+n] == bins[x] && fgRow[(x+n)/blockSize] && wls[(x+n)/blockSize] == wl {
				n++
			}
			a := acc[:n]
			convolveRun(a, smooth, row+x, fb.across[bins[x]][wl])
			o := out[y*g.w+x : y*g.w+x+n]
			for k, s := range a {
				var ridge uint8
				if s < 0 {
					ridge = 1
				}
				o[k] = ridge
			}
			x += n
		}
	}
	return out
}

// convolveRun sets dst[k] to the sum over the taps of w·src[at+k+off] for consecutive
// pixels that share one kernel. Each pixel's sum is accumulated tap by tap in the
// kernel's order, exactly as a per-pixel loop would, but four pixels' sums proceed
// side by side in registers, and the taps are loaded once for the four.
func convolveRun(dst, src []float32, at int, taps []tap) {
	k := 0
	for ; k+4 <= len(dst); k += 4 {
		var s0, s1, s2, s3 float32
		for _, t := range taps {
			p := src[at+k+t.off : at+k+t.off+4]
			s0 += t.w * p[0]
			s1 += t.w * p[1]
			s2 += t.w * p[2]
			s3 += t.w * p[3]
		}
		d := dst[k : k+4]
		d[0], d[1], d[2], d[3] = s0, s1, s2, s3
	}
	for ; k < len(dst); k++ {
		var s float32
		for _, t := range taps {
			s += t.w * src[at+k+t.off]
		}
		dst[k] = s
	}
}

// pixelAngles interpolates the doubled-angle field bilinearly at every foreground pixel
// and returns its orientation bin.
func pixelAngles(g *gray, f *field) []uint8 {
	out := getBuf[uint8](&uint8Bufs, g.w*g.h, true)
	// Per column: the two block columns interpolated between and the weight of the
	// second. Per block row: the field interpolated along x (the first half of the
	// bilinear interpolation, which depends only on the block row and x).
	x0s, x1s := make([]int32, g.w), make([]int32, g.w)
	wxs := make([]float32, g.w)
	for x := range g.w {
		fx := (float32(x)+0.5)/blockSize - 0.5
		x0 := int(math.Floor(float64(fx)))
		wxs[x] = fx - float32(x0)
		x0s[x], x1s[x] = int32(clampI(x0, 0, f.bw-1)), int32(clampI(x0+1, 0, f.bw-1))
	}
	rowC, rowS := make([][]float32, f.bh), make([][]float32, f.bh)
	rows := getBuf[float32](&float32Bufs, 2*f.bh*g.w, false)
	defer putBuf(&float32Bufs, rows)
	interpRow := func(by int) {
		if rowC[by] != nil {
			return
		}
		c2, s2 := f.c2[by*f.bw:(by+1)*f.bw], f.s2[by*f.bw:(by+1)*f.bw]
		rc, rs := rows[2*by*g.w:(2*by+1)*g.w], rows[(2*by+1)*g.w:(2*by+2)*g.w]
		for x, wx := range wxs {
			x0, x1 := x0s[x], x1s[x]
			rc[x] = c2[x0]*(1-wx) + c2[x1]*wx
			rs[x] = s2[x0]*(1-wx) + s2[x1]*wx
		}
		rowC[by], rowS[by] = rc, rs
	}
	for y := 0; y < g.h; y++ {
		fy := (float32(y)+0.5)/blockSize - 0.5
		y0 := int(math.Floor(float64(fy)))
		wy := fy - float32(y0)
		y0c, y1c := clampI(y0, 0, f.bh-1), clampI(y0+1, 0, f.bh-1)
		fgRow := f.fg[(y/blockSize)*f.bw : (y/blockSize+1)*f.bw]
		o := out[y*g.w : (y+1)*g.w]
		bin := uint8(0) // the previous pixel's bin: most pixels share it or are next to it
		for bx, v := range fgRow {
			if !v {
				continue
			}
			interpRow(y0c)
			interpRow(y1c)
			c0, c1, s0, s1 := rowC[y0c], rowC[y1c], rowS[y0c], rowS[y1c]
			for x := bx * blockSize; x < min((bx+1)*blockSize, g.w); x++ {
				c := c0[x]*(1-wy) + c1[x]*wy
				s := s0[x]*(1-wy) + s1[x]*wy
				sv, cv := float64(s), float64(c)
				switch up, down := (bin+1)%angleBins, (bin+angleBins-1)%angleBins; {
				case inBin(bin, sv, cv):
				case inBin(up, sv, cv):
					bin = up
				case inBin(down, sv, cv):
					bin = down
				default:
					bin = orientationBin(sv, cv)
				}
				o[x] = bin
			}
		}
	}
	return out
}
