package extract_test

import (
	"errors"
	"image"
	"image/color"
	"math"
	"reflect"
	"testing"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// synthetic draws a fingerprint-like pattern: ridges of period 9 px following circles
// around a centre, with a few ridges ending (a 40-px gap cut out of them: gaps of a few
// ridge periods are bridged by the enhancement, as breaks in real prints should be), on a
// white background outside an ellipse.
func synthetic(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			if (dx*dx)/(0.4*0.4*float64(w*w))+(dy*dy)/(0.45*0.45*float64(h*h)) > 1 {
				img.SetGray(x, y, color.Gray{Y: 230})
				continue
			}
			r := math.Hypot(dx, dy*1.2)
			v := 128 + 100*math.Cos(2*math.Pi*r/9)
			if x > int(cx)+20 && x < int(cx)+60 && y < int(cy) && int(r/9)%3 == 0 {
				v = 228 // break ridges: endings
			}
			img.SetGray(x, y, color.Gray{Y: uint8(v)})
		}
	}
	return img
}

func TestExtractSyntheticDeterministic(t *testing.T) {
	img := synthetic(320, 360)
	a, err := extract.Extract(img, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := extract.Extract(img, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two extractions of the same image differ")
	}
	if n := len(a.Template.Minutiae); n < 2 {
		t.Errorf("%d minutiae on a pattern with cut ridges", n)
	}
	if a.Template.Width != 320 || a.Template.Height != 360 || a.Template.ResX != 197 {
		t.Errorf("template geometry %+v", a.Template)
	}
	if a.Quality.ForegroundMM2 < 50 {
		t.Errorf("foreground %.0f mm² for a finger covering most of the image", a.Quality.ForegroundMM2)
	}
}

func TestExtractErrors(t *testing.T) {
	cases := []struct {
		name string
		img  image.Image
		o    extract.Options
	}{
		{"too small", image.NewGray(image.Rect(0, 0, 20, 20)), extract.Options{}},
		{"resolution low", synthetic(100, 100), extract.Options{DPI: 200}},
		{"resolution high", synthetic(100, 100), extract.Options{DPI: 2400}},
	}
	for _, c := range cases {
		if _, err := extract.Extract(c.img, c.o); !errors.Is(err, extract.ErrImage) {
			t.Errorf("%s: err %v, want ErrImage", c.name, err)
		}
	}
	// a blank image is processed without error and yields no minutiae
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	r, err := extract.Extract(blank, extract.Options{})
	if err != nil || len(r.Template.Minutiae) != 0 || r.Template.Quality > 10 {
		t.Errorf("blank image: %v, %+v", err, r)
	}
}

// TestExtractResolution checks that a 569-dpi image and the same pattern at 500 dpi give
// minutiae at the same physical places.
func TestExtractResolution(t *testing.T) {
	imgs, _ := loadFVC(t, "DB1_B", 1, 1)
	src := imgs[0].(*image.Gray)
	f := 569.0 / 500
	b := src.Bounds()
	big := image.NewGray(image.Rect(0, 0, int(float64(b.Dx())*f), int(float64(b.Dy())*f)))
	for y := 0; y < big.Bounds().Dy(); y++ {
		for x := 0; x < big.Bounds().Dx(); x++ {
			big.SetGray(x, y, src.GrayAt(int(float64(x)/f), int(float64(y)/f)))
		}
	}
	a, err := extract.Extract(src, extract.Options{DPI: 500})
	if err != nil {
		t.Fatal(err)
	}
	c, err := extract.Extract(big, extract.Options{DPI: 569})
	if err != nil {
		t.Fatal(err)
	}
	var cmp matcher.Comparator
	s := cmp.Compare(matcher.Prepare(a.Template), matcher.Prepare(c.Template))
	if thr := matcher.ThresholdForFMR(1e-4); s < thr {
		t.Errorf("500 vs 569 dpi copy: similarity %.3f below the FMR 0.01 %% threshold %.3f", s, thr)
	}
}

// TestRotationTranslation rotates a real print by 90° onto a larger canvas, shifted:
// the extracted templates must still match far above the impostor range.
func TestRotationTranslation(t *testing.T) {
	imgs, _ := loadFVC(t, "DB1_B", 2, 1)
	src := imgs[0].(*image.Gray)
	b := src.Bounds()
	rot := image.NewGray(image.Rect(0, 0, b.Dy()+40, b.Dx()+60))
	for i := range rot.Pix {
		rot.Pix[i] = 255
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			// 90° counter-clockwise: (x, y) → (y, W−1−x), then shifted by (25, 35)
			rot.SetGray(y+25, b.Dx()-1-x+35, src.GrayAt(x, y))
		}
	}
	ra, err := extract.Extract(src, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := extract.Extract(rot, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := extract.Extract(imgs[1], extract.Options{})
	var cmp matcher.Comparator
	pa := matcher.Prepare(ra.Template)
	s := cmp.Compare(pa, matcher.Prepare(rb.Template))
	imp := cmp.Compare(pa, matcher.Prepare(other.Template))
	if thr := matcher.ThresholdForFMR(1e-4); s < thr || s < 2*imp {
		t.Errorf("rotated copy: similarity %.3f (threshold at FMR 0.01 %%: %.3f, impostor %.3f)", s, thr, imp)
	}
}

// TestAccuracyRegression runs a small FVC protocol on four fingers of DB1 and DB3: at
// least 85 % of the genuine pairs must pass the FMR 1 % threshold (24 of 24 do in both)
// and no impostor the FMR 0.01 % one.
func TestAccuracyRegression(t *testing.T) {
	for _, db := range []string{"DB1_B", "DB3_B"} {
		imgs, ids := loadFVC(t, db, 4, 4)
		ps := prepareAll(t, imgs, 500)
		var c matcher.Comparator
		lo, hi := matcher.ThresholdForFMR(0.01), matcher.ThresholdForFMR(1e-4)
		gen, pass, falseMatch := 0, 0, 0
		for i := range ps {
			for j := i + 1; j < len(ps); j++ {
				s := c.Compare(ps[i], ps[j])
				if ids[i][0] == ids[j][0] {
					gen++
					if s >= lo {
						pass++
					}
				} else if s >= hi {
					falseMatch++
				}
			}
		}
		t.Logf("%s: %d/%d genuine pairs pass FMR 1 %%, %d false matches at 0.01 %%", db, pass, gen, falseMatch)
		if pass*100 < gen*85 || falseMatch > 0 {
			t.Errorf("%s: %d/%d genuine pairs pass FMR 1 %%, %d false matches at 0.01 %%", db, pass, gen, falseMatch)
		}
	}
}
