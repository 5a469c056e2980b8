package signature

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/enrolld/enrolld/capture"
)

// ErrNoInk means there is nothing to render: no pen-down samples.
var ErrNoInk = errors.New("signature: no ink to render")

// RenderOptions choose the image. Zero fields take the defaults.
type RenderOptions struct {
	// DPI is the output resolution; default 300.
	DPI float64
	// MarginMM is the white border around the ink; default 2 mm.
	MarginMM float64
	// MinWidthMM and MaxWidthMM are the line widths at the lightest and the heaviest
	// pressure; defaults 0.25 and 0.9 mm.
	MinWidthMM, MaxWidthMM float64
	// MaxPixels bounds the image size (width × height); default 25 million.
	MaxPixels int
}

func (o *RenderOptions) withDefaults() RenderOptions {
	var r RenderOptions
	if o != nil {
		r = *o
	}
	if r.DPI <= 0 {
		r.DPI = 300
	}
	if r.MarginMM <= 0 {
		r.MarginMM = 2
	}
	if r.MinWidthMM <= 0 {
		r.MinWidthMM = 0.25
	}
	if r.MaxWidthMM < r.MinWidthMM {
		r.MaxWidthMM = max(0.9, r.MinWidthMM)
	}
	if r.MaxPixels <= 0 {
		r.MaxPixels = 25_000_000
	}
	return r
}

// canvas maps millimetres to pixels and accumulates ink coverage (0..1) per pixel.
type canvas struct {
	w, h    int
	x0, y0  float64 // top-left in mm
	pxPerMM float64
	ink     []float32
}

// Render draws the signature in black on white, line width following pressure,
// cropped to the ink plus the margin.
func (s *Signature) Render(o *RenderOptions) (*capture.GrayImage, error) {
	opt := o.withDefaults()
	strokes := s.Strokes()
	if len(strokes) == 0 {
		return nil, ErrNoInk
	}
	c, err := newCanvas(strokes, opt)
	if err != nil {
		return nil, err
	}
	for _, k := range strokes {
		for i := range k {
			a := k[max(i-1, 0)]
			b := k[i]
			c.segment(a.XMM, a.YMM, width(a, opt)/2, b.XMM, b.YMM, width(b, opt)/2)
		}
	}
	g := &capture.GrayImage{Width: c.w, Height: c.h, Pix: make([]byte, c.w*c.h), DPI: opt.DPI}
	for i, v := range c.ink {
		g.Pix[i] = byte(math.Round(255 * (1 - math.Min(1, float64(v)))))
	}
	return g, nil
}

func width(p capture.PenSample, o RenderOptions) float64 {
	f := 0.5
	if p.MaxPressure > 0 {
		f = math.Max(0, math.Min(1, float64(p.Pressure)/float64(p.MaxPressure)))
	}
	return o.MinWidthMM + f*(o.MaxWidthMM-o.MinWidthMM)
}

func newCanvas(strokes []Stroke, o RenderOptions) (*canvas, error) {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, k := range strokes {
		for _, p := range k {
			minX, maxX = math.Min(minX, p.XMM), math.Max(maxX, p.XMM)
			minY, maxY = math.Min(minY, p.YMM), math.Max(maxY, p.YMM)
		}
	}
	pad := o.MarginMM + o.MaxWidthMM/2
	c := &canvas{x0: minX - pad, y0: minY - pad, pxPerMM: o.DPI / 25.4}
	wf := math.Ceil((maxX - minX + 2*pad) * c.pxPerMM)
	hf := math.Ceil((maxY - minY + 2*pad) * c.pxPerMM)
	if math.IsNaN(wf) || math.IsNaN(hf) || wf*hf > float64(o.MaxPixels) {
		return nil, fmt.Errorf("signature: a %.0f × %.0f mm signature at %.0f dpi exceeds %d pixels", maxX-minX, maxY-minY, o.DPI, o.MaxPixels)
	}
	c.w, c.h = int(wf), int(hf)
	c.ink = make([]float32, c.w*c.h)
	return c, nil
}

// segment inks a tapered capsule from (ax, ay) radius ra to (bx, by) radius rb (mm),
// anti-aliased by one pixel.
func (c *canvas) segment(ax, ay, ra, bx, by, rb float64) {
	ax, ay, bx, by = (ax-c.x0)*c.pxPerMM, (ay-c.y0)*c.pxPerMM, (bx-c.x0)*c.pxPerMM, (by-c.y0)*c.pxPerMM
	ra, rb = math.Max(ra*c.pxPerMM, 0.5), math.Max(rb*c.pxPerMM, 0.5)
	r := math.Max(ra, rb) + 1
	x1, x2 := int(math.Floor(math.Min(ax, bx)-r)), int(math.Ceil(math.Max(ax, bx)+r))
	y1, y2 := int(math.Floor(math.Min(ay, by)-r)), int(math.Ceil(math.Max(ay, by)+r))
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	for y := max(y1, 0); y <= min(y2, c.h-1); y++ {
		for x := max(x1, 0); x <= min(x2, c.w-1); x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
			}
			d := math.Hypot(px-(ax+t*dx), py-(ay+t*dy))
			cov := float32(math.Max(0, math.Min(1, ra+t*(rb-ra)-d+0.5)))
			if i := y*c.w + x; cov > c.ink[i] {
				c.ink[i] = cov
			}
		}
	}
}

// Image wraps a rendered signature as an image.Gray for encoding (PNG, say).
func Image(g *capture.GrayImage) *image.Gray {
	return &image.Gray{Pix: g.Pix, Stride: g.Width, Rect: image.Rect(0, 0, g.Width, g.Height)}
}
