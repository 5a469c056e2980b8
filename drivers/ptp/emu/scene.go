package emu

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
)

// shape is a filled ellipse in scene units: the face is about 0.56 units tall and the
// shorter image side is one unit, centred.
type shape struct {
	cx, cy, rx, ry float64
	col            color.RGBA
	shade          float64 // darken towards the rim by this fraction (roundness)
}

// scenePeriod is how long the scene takes to repeat itself.
const scenePeriod = 8.0

// sceneFPS is the rate at which live-view frames are cached: the scene is rendered at
// most scenePeriod × sceneFPS times, and then served from the cache.
const sceneFPS = 30

// scene lists the shapes of a head and shoulders at time t (seconds): the head sways a
// little and the eyes blink every four seconds, so live-view frames differ. The scene
// repeats every scenePeriod seconds.
func scene(t float64) []shape {
	dx, dy := 0.02*math.Sin(2*math.Pi*t/4), 0.01*math.Sin(2*math.Pi*t/scenePeriod)
	blink := math.Mod(t, 4) < 0.15
	skin := color.RGBA{226, 184, 154, 255}
	dark := color.RGBA{62, 42, 32, 255}
	s := []shape{
		{0, 0.66, 0.58, 0.32, color.RGBA{58, 68, 92, 255}, 0.3},            // shoulders
		{dx * 0.5, 0.33, 0.095, 0.14, color.RGBA{204, 160, 130, 255}, 0.2}, // neck
		{dx, -0.09 + dy, 0.235, 0.25, dark, 0.2},                           // hair
		{dx - 0.205, 0.01 + dy, 0.035, 0.06, skin, 0.3},                    // ears
		{dx + 0.205, 0.01 + dy, 0.035, 0.06, skin, 0.3},
		{dx, dy, 0.21, 0.28, skin, 0.25}, // face
	}
	for _, side := range []float64{-1, 1} {
		ex := dx + side*0.085
		s = append(s, shape{ex, -0.1 + dy, 0.055, 0.013, dark, 0}) // brow
		if blink {
			s = append(s, shape{ex, -0.035 + dy, 0.045, 0.006, color.RGBA{150, 100, 80, 255}, 0})
			continue
		}
		s = append(s,
			shape{ex, -0.035 + dy, 0.045, 0.022, color.RGBA{240, 240, 236, 255}, 0}, // white
			shape{ex, -0.035 + dy, 0.019, 0.019, color.RGBA{72, 52, 40, 255}, 0},    // iris
			shape{ex, -0.035 + dy, 0.008, 0.008, color.RGBA{10, 10, 10, 255}, 0},    // pupil
		)
	}
	s = append(s,
		shape{dx, 0.045 + dy, 0.024, 0.065, color.RGBA{208, 162, 134, 255}, 0.3}, // nose ridge
		shape{dx - 0.017, 0.1 + dy, 0.01, 0.006, color.RGBA{120, 70, 60, 255}, 0},
		shape{dx + 0.017, 0.1 + dy, 0.01, 0.006, color.RGBA{120, 70, 60, 255}, 0},
		shape{dx, 0.165 + dy, 0.07, 0.022, color.RGBA{176, 78, 74, 255}, 0.2}, // lips
		shape{dx, 0.165 + dy, 0.066, 0.004, color.RGBA{110, 40, 40, 255}, 0},  // lip line
	)
	return s
}

// Render draws the scene at time t into a w × h image: a head and shoulders on a plain
// light background, good enough for a face detector to find.
func Render(w, h int, t float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		g := uint8(236 - 20*y/h)
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = g, g, g+4, 255
		}
	}
	unit := float64(min(w, h))
	for _, s := range scene(t) {
		paint(img, s, unit)
	}
	return img
}

// paint blends an anti-aliased, rim-shaded ellipse into img. Pixels well inside the
// rim are opaque and need no square root; only the one-pixel rim is blended.
func paint(img *image.RGBA, s shape, unit float64) {
	b := img.Bounds()
	cx, cy := float64(b.Dx())/2+s.cx*unit, float64(b.Dy())/2+s.cy*unit
	rx, ry := s.rx*unit, s.ry*unit
	x0, x1 := max(0, int(cx-rx-1)), min(b.Dx()-1, int(cx+rx+1))
	y0, y1 := max(0, int(cy-ry-1)), min(b.Dy()-1, int(cy+ry+1))
	edge := math.Min(rx, ry)
	inner := math.Max(0, 1-0.5/edge) // d below this: fully covered
	inner2, outer2 := inner*inner, (1+0.5/edge)*(1+0.5/edge)
	col := [3]float64{float64(s.col.R), float64(s.col.G), float64(s.col.B)}
	for y := y0; y <= y1; y++ {
		v := (float64(y) + 0.5 - cy) / ry
		v2 := v * v
		row := img.Pix[y*img.Stride:]
		for x := x0; x <= x1; x++ {
			u := (float64(x) + 0.5 - cx) / rx
			d2 := u*u + v2
			if d2 >= outer2 {
				continue
			}
			a := 1.0
			if d2 > inner2 {
				a = math.Max(0, math.Min(1, (1-math.Sqrt(d2))*edge+0.5))
			}
			k := (1 - s.shade*d2) * a
			p := row[4*x : 4*x+3]
			for c := range p {
				p[c] = uint8(float64(p[c])*(1-a) + col[c]*k)
			}
		}
	}
}

// encode renders the scene and encodes it as JPEG.
func encode(w, h int, t float64) []byte {
	var buf bytes.Buffer
	jpeg.Encode(&buf, Render(w, h, t), &jpeg.Options{Quality: 85})
	return buf.Bytes()
}

// still returns the photograph's JPEG (the supplied image, or the scene). c.mu is held.
func (c *Camera) still() []byte {
	if c.opts.Image != nil {
		return c.opts.Image
	}
	return encode(c.opts.StillWidth, c.opts.StillHeight, c.opts.Now().Sub(c.start).Seconds())
}

// frame returns a live-view JPEG at scene time t, quantised to 1/sceneFPS s and
// cached: the scene repeats, so after one period frames cost no rendering. c.mu is held.
func (c *Camera) frame(t float64) []byte {
	if c.opts.Image != nil {
		return c.opts.Image
	}
	k := int(math.Mod(t, scenePeriod) * sceneFPS)
	if b, ok := c.frames[k]; ok {
		return b
	}
	b := encode(c.opts.FrameWidth, c.opts.FrameHeight, float64(k)/sceneFPS)
	if c.frames == nil {
		c.frames = map[int][]byte{}
	}
	c.frames[k] = b
	return b
}

// EncodeScene renders the scene at time t as a w × h JPEG (quality 85), for callers
// that want to supply a fixed image through Options.Image.
func EncodeScene(w, h int, t float64) []byte { return encode(w, h, t) }
