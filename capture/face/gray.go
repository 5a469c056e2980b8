package face

import (
	"image"
	"image/color"
	"math"
)

// gray is an 8-bit luminance plane.
type gray struct {
	w, h int
	pix  []uint8
	mask []bool // when set, only pixels with mask true are real picture (token padding)
}

func toGray(img image.Image) *gray {
	b := img.Bounds()
	g := &gray{w: b.Dx(), h: b.Dy(), pix: make([]uint8, b.Dx()*b.Dy())}
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < g.h; y++ {
			copy(g.pix[y*g.w:(y+1)*g.w], m.Y[(y)*m.YStride:(y)*m.YStride+g.w])
		}
	case *image.Gray:
		for y := 0; y < g.h; y++ {
			copy(g.pix[y*g.w:(y+1)*g.w], m.Pix[y*m.Stride:y*m.Stride+g.w])
		}
	default:
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				g.pix[y*g.w+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return g
}

// at samples bilinearly; outside the plane it returns -1.
func (g *gray) at(x, y float64) float64 {
	if x < 0 || y < 0 || x > float64(g.w-1) || y > float64(g.h-1) {
		return -1
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, g.w-1), min(y0+1, g.h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	p := func(x, y int) float64 { return float64(g.pix[y*g.w+x]) }
	return (p(x0, y0)*(1-fx)+p(x1, y0)*fx)*(1-fy) + (p(x0, y1)*(1-fx)+p(x1, y1)*fx)*fy
}

// scaled returns the plane resized by factor f (< 1 shrinks by box averaging).
func (g *gray) scaled(f float64) *gray {
	w, h := max(1, int(float64(g.w)*f)), max(1, int(float64(g.h)*f))
	out := &gray{w: w, h: h, pix: make([]uint8, w*h)}
	step := 1 / f
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			x0, y0 := int(float64(x)*step), int(float64(y)*step)
			x1, y1 := min(g.w, max(x0+1, int(float64(x+1)*step))), min(g.h, max(y0+1, int(float64(y+1)*step)))
			sum, n := 0, 0
			for yy := y0; yy < y1; yy++ {
				for xx := x0; xx < x1; xx++ {
					sum += int(g.pix[yy*g.w+xx])
					n++
				}
			}
			out.pix[y*w+x] = uint8(sum / max(n, 1))
		}
	}
	return out
}

// stats of a set of luminance samples.
type stats struct {
	n                   int
	mean, std           float64
	darkFrac, lightFrac float64 // fraction of clipped samples (≤ 5, ≥ 250)
}

func statsOf(vals []float64) stats {
	var s stats
	s.n = len(vals)
	if s.n == 0 {
		return s
	}
	var sum, sq float64
	dark, light := 0, 0
	for _, v := range vals {
		sum += v
		sq += v * v
		if v <= 5 {
			dark++
		}
		if v >= 250 {
			light++
		}
	}
	s.mean = sum / float64(s.n)
	s.std = math.Sqrt(math.Max(0, sq/float64(s.n)-s.mean*s.mean))
	s.darkFrac, s.lightFrac = float64(dark)/float64(s.n), float64(light)/float64(s.n)
	return s
}
