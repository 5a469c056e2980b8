package face

import (
	"image"
	"image/color"
	"math"
)

// teethFraction is the share of the mouth area (between the corners, a fifth of the eye
// distance above and below the mouth line) whose pixels look like teeth: bright and
// nearly colourless. A neutral expression with the mouth closed (ICAO) shows none.
func teethFraction(img image.Image, lm landmarks) float64 {
	if lm.mouth == (point{}) {
		return 0
	}
	d := dist(lm.left, lm.right)
	x0, x1 := lm.mouth.X-0.35*d, lm.mouth.X+0.35*d
	if len(lm.corners) == 2 {
		x0, x1 = math.Min(lm.corners[0].X, lm.corners[1].X), math.Max(lm.corners[0].X, lm.corners[1].X)
	}
	y0, y1 := lm.mouth.Y-0.2*d, lm.mouth.Y+0.2*d
	b := img.Bounds()
	n, teeth := 0, 0
	for y := int(y0); y <= int(y1); y++ {
		for x := int(x0); x <= int(x1); x++ {
			if x < 0 || y < 0 || x >= b.Dx() || y >= b.Dy() {
				continue
			}
			c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
			lo := min(c.R, c.G, c.B)
			hi := max(c.R, c.G, c.B)
			n++
			if lo > 140 && hi-lo < 45 {
				teeth++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(teeth) / float64(n)
}
