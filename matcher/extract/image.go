package extract

import (
	"image"
	"image/color"
	"math"
)

// gray is a float greyscale image, row-major, 0 (black) … 255 (white).
type gray struct {
	w, h int
	pix  []float32
}

// fromImage converts any image to grey.
func fromImage(img image.Image) *gray {
	b := img.Bounds()
	g := &gray{w: b.Dx(), h: b.Dy(), pix: getBuf[float32](&float32Bufs, b.Dx()*b.Dy(), false)}
	switch im := img.(type) {
	case *image.Gray:
		for y := 0; y < g.h; y++ {
			row := im.Pix[y*im.Stride : y*im.Stride+g.w]
			for x, v := range row {
				g.pix[y*g.w+x] = float32(v)
			}
		}
	default:
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				c := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
				g.pix[y*g.w+x] = float32(c.Y)
			}
		}
	}
	return g
}

// release hands the pixels back for reuse; g must not be used afterwards.
func (g *gray) release() {
	putBuf(&float32Bufs, g.pix)
	g.pix = nil
}

// resample scales the image by factor f with bilinear interpolation, box-blurred first when
// shrinking by more than 1.5 so ridges do not alias.
func (g *gray) resample(f float64) *gray {
	if f < 0.67 {
		g = g.boxBlur3()
	}
	w, h := int(math.Round(float64(g.w)*f)), int(math.Round(float64(g.h)*f))
	out := &gray{w: w, h: h, pix: getBuf[float32](&float32Bufs, w*h, false)}
	for y := 0; y < h; y++ {
		sy := (float64(y)+0.5)/f - 0.5
		y0 := int(math.Floor(sy))
		fy := float32(sy - float64(y0))
		y0c, y1c := clampI(y0, 0, g.h-1), clampI(y0+1, 0, g.h-1)
		for x := 0; x < w; x++ {
			sx := (float64(x)+0.5)/f - 0.5
			x0 := int(math.Floor(sx))
			fx := float32(sx - float64(x0))
			x0c, x1c := clampI(x0, 0, g.w-1), clampI(x0+1, 0, g.w-1)
			a := g.pix[y0c*g.w+x0c]*(1-fx) + g.pix[y0c*g.w+x1c]*fx
			b := g.pix[y1c*g.w+x0c]*(1-fx) + g.pix[y1c*g.w+x1c]*fx
			out.pix[y*w+x] = a*(1-fy) + b*fy
		}
	}
	return out
}

func clampI(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// boxBlur3 returns the image averaged over 3×3 neighbourhoods.
func (g *gray) boxBlur3() *gray {
	out := &gray{w: g.w, h: g.h, pix: make([]float32, len(g.pix))}
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			var s float32
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					s += g.pix[clampI(y+dy, 0, g.h-1)*g.w+clampI(x+dx, 0, g.w-1)]
				}
			}
			out.pix[y*g.w+x] = s / 9
		}
	}
	return out
}
