package face

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
)

type tokenImage struct {
	gray *gray
	jpeg []byte
}

// token crops img to the ICAO token geometry: width W = 4·d', height W/0.75, eye midpoint at
// (W/2, 0.6·W), where d' is the eye distance after scaling (TokenEyeDistance, or native when
// smaller). The image is not rotated (roll is already within limits); what lies beyond the
// picture is padded white and left out of the background check.
func (k *Checker) token(g *gray, img image.Image, lm landmarks) (*tokenImage, error) {
	d := dist(lm.left, lm.right)
	td := float64(k.opt.TokenEyeDistance)
	if d < td {
		td = d
	}
	W := int(4*td + 0.5)
	H := W * 4 / 3
	s := d / td // source pixels per token pixel
	mid := point{(lm.left.X + lm.right.X) / 2, (lm.left.Y + lm.right.Y) / 2}
	x0, y0 := mid.X-float64(W)/2*s, mid.Y-0.6*float64(W)*s
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	tg := &gray{w: W, h: H, pix: make([]uint8, W*H), mask: make([]bool, W*H)}
	b := img.Bounds()
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			sx, sy := x0+(float64(x)+0.5)*s, y0+(float64(y)+0.5)*s
			ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
			c := color.RGBA{255, 255, 255, 255} // padding beyond the picture, as the standard allows
			if ix >= 0 && iy >= 0 && ix < b.Dx() && iy < b.Dy() {
				c = color.RGBAModel.Convert(img.At(b.Min.X+ix, b.Min.Y+iy)).(color.RGBA)
				tg.mask[y*W+x] = true
			}
			out.SetRGBA(x, y, c)
			tg.pix[y*W+x] = uint8((299*int(c.R) + 587*int(c.G) + 114*int(c.B)) / 1000)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return &tokenImage{gray: tg, jpeg: buf.Bytes()}, nil
}
