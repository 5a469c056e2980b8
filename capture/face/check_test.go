package face

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"slices"
	"testing"
)

func newChecker(t testing.TB) *Checker {
	t.Helper()
	k, err := NewChecker(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func failed(r *Result) []Problem {
	var p []Problem
	for _, f := range r.Failed {
		p = append(p, f.Check)
	}
	return p
}

// TestRealPortraits checks the two real portraits and cases derived from them, each with
// the outcome a person judging the photo would give.
func TestRealPortraits(t *testing.T) {
	k := newChecker(t)
	p1, p2 := loadPortrait(t, "portrait-1.jpg"), loadPortrait(t, "portrait-2.jpg")
	ctx := context.Background()
	base, err := k.Check(ctx, p1)
	if err != nil {
		t.Fatal(err)
	}
	p2s := rotate(p2, -12)
	base2, err := k.Check(ctx, p2s)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		img    image.Image
		want   []Problem // exactly these fail
		faces  int
		minEye float64
	}{
		// An office portrait with a broad smile: curtains and a flag behind, teeth showing.
		{"portrait-1", p1, []Problem{BusyBackdrop, Expression}, 1, 90},
		// The same face in front of a plain backdrop: only the smile remains.
		{"portrait-1 plain background", plainBackground(p1, base.LeftEye, base.RightEye), []Problem{Expression}, 1, 90},
		{"portrait-1 tilted 14°", rotate(p1, 15), []Problem{HeadTilted, NotCentred, Expression}, 1, 90},
		{"portrait-1 too far", onCanvas(p1, 0.3), []Problem{EyesTooClose, Expression}, 1, 0},
		{"portrait-1 too dark", scaleIntensity(p1, 0.25), []Problem{TooDark, LowContrast}, 1, 90},
		{"portrait-1 out of focus", blur(p1, 4), []Problem{Blurred, BusyBackdrop, Expression}, 1, 90},
		{"two faces", sideBySide(p1, p2), []Problem{SeveralFaces}, 2, 0},
		// Head leaning ~12° and standing right of centre.
		{"portrait-2", p2, []Problem{HeadTilted, NotCentred}, 1, 90},
		// Straightened by rotating back about the picture centre: the lean is gone, the head now
		// centred, the office behind it shows.
		{"portrait-2 straightened", p2s, []Problem{BusyBackdrop}, 1, 90},
		// Straightened and in front of a plain backdrop: an acceptable photo.
		{"portrait-2 straightened, plain background", plainBackground(p2s, base2.LeftEye, base2.RightEye), nil, 1, 90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := k.Check(ctx, tc.img)
			if err != nil {
				t.Fatal(err)
			}
			got := failed(r)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) || r.Faces != tc.faces {
				t.Fatalf("faces %d, failed %v; want faces %d, failed %v (%+v)", r.Faces, r.Failed, tc.faces, tc.want, r.Failed)
			}
			if r.Faces == 1 && r.EyeDistance < tc.minEye {
				t.Errorf("eye distance %.0f < %.0f", r.EyeDistance, tc.minEye)
			}
			for _, f := range r.Failed {
				if f.Reason == "" {
					t.Errorf("%s without a reason", f.Check)
				}
			}
			if r.OK() {
				checkToken(t, r)
			}
		})
	}
}

// checkToken decodes the crop and checks the ICAO token proportions.
func checkToken(t *testing.T, r *Result) {
	t.Helper()
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(r.Token))
	if err != nil {
		t.Fatalf("token JPEG: %v", err)
	}
	if cfg.Width != r.TokenW || cfg.Height != cfg.Width*4/3 {
		t.Errorf("token %dx%d, want width %d and height width/0.75", cfg.Width, cfg.Height, r.TokenW)
	}
	if want := int(4*min(r.EyeDistance, 120) + 0.5); cfg.Width != want {
		t.Errorf("token width %d, want 4 × eye distance = %d", cfg.Width, want)
	}
}

func TestCheckJPEGErrors(t *testing.T) {
	k := newChecker(t)
	if _, err := k.CheckJPEG(context.Background(), []byte("not a picture")); err == nil {
		t.Fatal("garbage accepted")
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 200, 200)), nil)
	r, err := k.CheckJPEG(context.Background(), b.Bytes())
	if err != nil || !r.Has(NoFace) {
		t.Fatalf("blank picture: %+v %v", r, err)
	}
}

func FuzzCheckJPEG(f *testing.F) {
	k := newChecker(f)
	var b bytes.Buffer
	_ = jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 80, 80)), nil)
	f.Add(b.Bytes())
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 4<<20 {
			return
		}
		_, _ = k.CheckJPEG(context.Background(), data)
	})
}
