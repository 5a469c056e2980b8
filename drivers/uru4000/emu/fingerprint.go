package emu

import (
	"image"
	"math"
	"math/rand/v2"
)

// Fingerprint generates a fingerprint-like 8-bit image of w × h pixels (dark ridges
// on white, about 500 dpi) from seed, deterministically. It is a picture for demos and
// tests, not a biometric sample: a fingertip-shaped outline holds ridges that run as
// a loop or a whorl around a core, turn into arches towards the crease, wander with
// low-frequency warping (so that ridges end and fork where the flows meet), and carry
// pressure fading, ink noise and pores.
func Fingerprint(w, h int, seed uint64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	if w <= 0 || h <= 0 {
		return img
	}
	rng := rand.New(rand.NewPCG(seed, 0xf19e7))
	p := newPattern(rng, float64(w), float64(h))
	for y := range h {
		for x := range w {
			img.Pix[y*img.Stride+x] = p.pixel(rng, float64(x), float64(y))
		}
	}
	return img
}

// pattern holds the random choices behind one generated fingerprint.
type pattern struct {
	cx, cy, ax, ay   float64 // fingertip ellipse
	corex, corey     float64 // core of the ridge flow
	legDX, legDY     float64 // direction and length of the loop's legs
	legLen           float64
	period           float64 // ridge period in pixels
	whorl            bool
	archY            float64 // centre of the arch circles, far below
	blendIn, blendTo float64 // distances over which the core flow turns into arches
	warpX, warpY     valueNoise
	ink              valueNoise
}

func newPattern(rng *rand.Rand, fw, fh float64) *pattern {
	p := &pattern{
		cx: fw/2 + (rng.Float64()-0.5)*fw*0.08, cy: fh / 2,
		ax: fw * (0.33 + rng.Float64()*0.04), ay: fh * 0.47,
		period: 8.5 + rng.Float64()*1.5,
		whorl:  rng.IntN(3) == 0,
	}
	p.corex = p.cx + (rng.Float64()-0.5)*p.ax*0.4
	p.corey = p.cy - p.ay*(0.05+rng.Float64()*0.2)
	tilt := (rng.Float64() - 0.5) * 0.8
	p.legDX, p.legDY = math.Sin(tilt), math.Cos(tilt)
	p.legLen = fh * (0.08 + rng.Float64()*0.08)
	p.archY = p.corey + fh*1.4
	p.blendIn = p.period * (4 + rng.Float64()*2)
	p.blendTo = p.blendIn + p.period*1.5
	p.warpX, p.warpY = newValueNoise(rng, 5), newValueNoise(rng, 5)
	p.ink = newValueNoise(rng, 16)
	return p
}

// pixel shades one pixel.
func (p *pattern) pixel(rng *rand.Rand, x, y float64) byte {
	ex, ey := (x-p.cx)/p.ax, (y-p.cy)/p.ay
	r := math.Hypot(ex, ey)
	if r >= 1 {
		return byte(252 + rng.IntN(4))
	}
	u, v := x/p.ax, y/p.ay
	wx := x + 7*p.warpX.at(u, v)
	wy := y + 7*p.warpY.at(u, v)
	core, d := p.corePhase(wx, wy)
	arch := math.Hypot(wx-p.cx, wy-p.archY)
	t := smoothstep(p.blendIn, p.blendTo, d)
	wave := (1-t)*math.Cos(2*math.Pi*core/p.period) + t*math.Cos(2*math.Pi*arch/p.period)
	ridge := smoothstep(-0.2, 0.6, -wave)
	pressure := smoothstep(0, 0.18, 1-r) * (0.75 + 0.25*p.ink.at(u*3, v*3))
	if rng.IntN(90) == 0 {
		ridge *= 0.3 // a pore
	}
	val := 245 - 200*ridge*pressure + rng.NormFloat64()*6
	return byte(math.Max(0, math.Min(255, val)))
}

// corePhase returns the ridge phase of the core flow at (x, y) and the distance from
// the core that decides where it gives way to arches.
func (p *pattern) corePhase(x, y float64) (phase, dist float64) {
	dx, dy := x-p.corex, y-p.corey
	if p.whorl {
		d := math.Hypot(dx, dy*1.15)
		return d + p.period*math.Atan2(dy, dx)/(2*math.Pi), d
	}
	// Loop: distance to a segment hanging down from the core gives nested hairpins.
	along := dx*p.legDX + dy*p.legDY
	along = math.Max(0, math.Min(p.legLen, along))
	d := math.Hypot(dx-along*p.legDX, dy-along*p.legDY)
	return d, d
}

// smoothstep is 0 below a, 1 above b, and a smooth ramp between.
func smoothstep(a, b, x float64) float64 {
	t := math.Max(0, math.Min(1, (x-a)/(b-a)))
	return t * t * (3 - 2*t)
}

// valueNoise is smooth noise in [-1, 1]: random values on an n × n grid over the unit
// square (and beyond, wrapping), bilinearly interpolated.
type valueNoise struct {
	n int
	v []float64
}

func newValueNoise(rng *rand.Rand, n int) valueNoise {
	vn := valueNoise{n: n, v: make([]float64, n*n)}
	for i := range vn.v {
		vn.v[i] = rng.Float64()*2 - 1
	}
	return vn
}

func (vn valueNoise) at(u, v float64) float64 {
	fx, fy := u*float64(vn.n-1), v*float64(vn.n-1)
	x0, y0 := math.Floor(fx), math.Floor(fy)
	tx, ty := fx-x0, fy-y0
	g := func(i, j int) float64 {
		i, j = ((i%vn.n)+vn.n)%vn.n, ((j%vn.n)+vn.n)%vn.n
		return vn.v[j*vn.n+i]
	}
	i, j := int(x0), int(y0)
	top := g(i, j)*(1-tx) + g(i+1, j)*tx
	bottom := g(i, j+1)*(1-tx) + g(i+1, j+1)*tx
	return top*(1-ty) + bottom*ty
}
