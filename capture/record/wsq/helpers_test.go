package wsq

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
)

// ridges returns a deterministic fingerprint-like test image: curved
// ridges of about 9 pixels period with noise, on a light background.
func ridges(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewGray(image.Rect(0, 0, w, h))
	cx, cy := float64(w)*0.5, float64(h)*0.45
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			r := math.Hypot(dx, dy*1.3)
			v := 150 + 90*math.Sin(r*2*math.Pi/9+0.002*dx*dy/9) + rng.NormFloat64()*3
			if r > 0.45*float64(min(w, h))*1.2 {
				v = 230 + rng.NormFloat64()*4
			}
			img.Pix[y*img.Stride+x] = uint8(max(0, min(255, math.Round(v))))
		}
	}
	return img
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
