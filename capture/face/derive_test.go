package face

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"os"
	"path/filepath"
	"testing"
)

const facesDir = "../../../shared/data/faces"

func loadPortrait(t testing.TB, name string) *image.RGBA {
	t.Helper()
	f, err := os.Open(filepath.Join(facesDir, name))
	if err != nil {
		t.Skipf("portraits absent (%v)", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return toRGBA(img)
}

func toRGBA(img image.Image) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(out, out.Rect, img, img.Bounds().Min, draw.Src)
	return out
}

// resize scales by f with bilinear sampling.
func resize(src *image.RGBA, f float64) *image.RGBA {
	w, h := int(float64(src.Rect.Dx())*f), int(float64(src.Rect.Dy())*f)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.SetRGBA(x, y, sample(src, (float64(x)+0.5)/f-0.5, (float64(y)+0.5)/f-0.5))
		}
	}
	return out
}

func sample(src *image.RGBA, x, y float64) color.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	x = math.Max(0, math.Min(x, float64(w-1)))
	y = math.Max(0, math.Min(y, float64(h-1)))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	var c [4]float64
	for i, p := range []struct {
		x, y int
		w    float64
	}{{x0, y0, (1 - fx) * (1 - fy)}, {x1, y0, fx * (1 - fy)}, {x0, y1, (1 - fx) * fy}, {x1, y1, fx * fy}} {
		_ = i
		o := src.PixOffset(p.x, p.y)
		for k := 0; k < 4; k++ {
			c[k] += float64(src.Pix[o+k]) * p.w
		}
	}
	return color.RGBA{uint8(c[0] + .5), uint8(c[1] + .5), uint8(c[2] + .5), 255}
}

// rotate turns the picture by deg degrees about its centre (edges filled by clamping).
func rotate(src *image.RGBA, deg float64) *image.RGBA {
	out := image.NewRGBA(src.Rect)
	a := deg * math.Pi / 180
	cx, cy := float64(src.Rect.Dx())/2, float64(src.Rect.Dy())/2
	cos, sin := math.Cos(a), math.Sin(a)
	for y := 0; y < src.Rect.Dy(); y++ {
		for x := 0; x < src.Rect.Dx(); x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			out.SetRGBA(x, y, sample(src, cx+dx*cos+dy*sin, cy-dx*sin+dy*cos))
		}
	}
	return out
}

// onCanvas shrinks src by f and centres it on a grey canvas of the original size.
func onCanvas(src *image.RGBA, f float64) *image.RGBA {
	small := resize(src, f)
	out := image.NewRGBA(src.Rect)
	draw.Draw(out, out.Rect, &image.Uniform{color.RGBA{128, 128, 128, 255}}, image.Point{}, draw.Src)
	off := image.Pt((src.Rect.Dx()-small.Rect.Dx())/2, (src.Rect.Dy()-small.Rect.Dy())/2)
	draw.Draw(out, small.Rect.Add(off), small, image.Point{}, draw.Src)
	return out
}

// scaleIntensity multiplies every channel by f.
func scaleIntensity(src *image.RGBA, f float64) *image.RGBA {
	out := image.NewRGBA(src.Rect)
	for i, v := range src.Pix {
		if i%4 == 3 {
			out.Pix[i] = 255
			continue
		}
		out.Pix[i] = uint8(math.Min(255, float64(v)*f))
	}
	return out
}

// sideBySide composites a and b (scaled to a's height) next to each other.
func sideBySide(a, b *image.RGBA) *image.RGBA {
	b = resize(b, float64(a.Rect.Dy())/float64(b.Rect.Dy()))
	out := image.NewRGBA(image.Rect(0, 0, a.Rect.Dx()+b.Rect.Dx(), a.Rect.Dy()))
	draw.Draw(out, a.Rect, a, image.Point{}, draw.Src)
	draw.Draw(out, b.Rect.Add(image.Pt(a.Rect.Dx(), 0)), b, image.Point{}, draw.Src)
	return out
}

// plainBackground replaces everything outside an ellipse around the head (from the eye
// positions) and below-shoulder band with a plain light grey, as a backdrop would look.
func plainBackground(src *image.RGBA, l, r [2]int) *image.RGBA {
	out := toRGBA(src)
	d := math.Hypot(float64(r[0]-l[0]), float64(r[1]-l[1]))
	cx, cy := float64(l[0]+r[0])/2, float64(l[1]+r[1])/2-0.2*d
	rx, ry := 1.25*d, 1.9*d
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			ex, ey := (float64(x)-cx)/rx, (float64(y)-cy)/ry
			if ex*ex+ey*ey > 1 && float64(y) < cy+1.6*d {
				out.SetRGBA(x, y, color.RGBA{215, 215, 210, 255})
			}
		}
	}
	return out
}

// blur applies a box blur of radius r (separable, twice).
func blur(src *image.RGBA, r int) *image.RGBA {
	out := toRGBA(src)
	for pass := 0; pass < 2; pass++ {
		w, h := out.Rect.Dx(), out.Rect.Dy()
		tmp := toRGBA(out)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var s [3]int
				n := 0
				for k := -r; k <= r; k++ {
					xx := min(max(x+k, 0), w-1)
					if pass == 1 {
						xx = x
					}
					yy := y
					if pass == 1 {
						yy = min(max(y+k, 0), h-1)
					}
					o := tmp.PixOffset(xx, yy)
					s[0], s[1], s[2] = s[0]+int(tmp.Pix[o]), s[1]+int(tmp.Pix[o+1]), s[2]+int(tmp.Pix[o+2])
					n++
				}
				o := out.PixOffset(x, y)
				out.Pix[o], out.Pix[o+1], out.Pix[o+2] = uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n)
			}
		}
	}
	return out
}
