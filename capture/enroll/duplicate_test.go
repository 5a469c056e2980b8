package enroll

import (
	"context"
	"errors"
	"image"
	"image/draw"
	_ "image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/matcher"
)

const fvcDir = "../../../shared/data/fvc2002/DB1_B"

func loadFinger(t *testing.T, name string) *capture.FingerImage {
	t.Helper()
	f, err := os.Open(filepath.Join(fvcDir, name))
	if err != nil {
		t.Skipf("FVC2002 data absent (%v)", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return &capture.FingerImage{GrayImage: capture.GrayImage{Width: g.Rect.Dx(), Height: g.Rect.Dy(), Pix: g.Pix, DPI: 500}}
}

// TestDuplicateFingerReal gives the session real impressions: a second impression of the
// right index presented as the left index is caught; a different finger is not.
func TestDuplicateFingerReal(t *testing.T) {
	ctx := context.Background()
	r := newRig()
	r.opt.Analyzer, r.opt.Comparer = ExtractAnalyzer{}, &matcher.Comparator{}
	r.opt.MinQuality = -1 // judge only the duplicate check here
	s, err := Start(ctx, testCase(), Profile{Name: "v", Fingers: []int{2, 7}}, officer, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := s.SubmitFinger(ctx, officer, loadFinger(t, "101_1.png")); err != nil || !out.Accepted {
		t.Fatalf("first finger: %+v %v", out, err)
	}
	out, err := s.SubmitFinger(ctx, officer, loadFinger(t, "101_2.png"))
	if !errors.Is(err, ErrDuplicate) || out.SameAs != 2 {
		t.Fatalf("second impression of the same finger: %+v %v", out, err)
	}
	if out, err := s.SubmitFinger(ctx, officer, loadFinger(t, "102_1.png")); err != nil || !out.Accepted {
		t.Fatalf("a different finger: %+v %v", out, err)
	}
}
