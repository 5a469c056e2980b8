package matcher

import (
	"errors"
	"math"
	"testing"
)

func sampleTemplate() *Template {
	return &Template{
		Width: 388, Height: 374, ResX: 197, ResY: 197, Position: 2, Quality: 61,
		Minutiae: []Minutia{
			{X: 10, Y: 20, Angle: 0, Type: TypeEnding, Quality: 80},
			{X: 300, Y: 17, Angle: math.Pi / 2, Type: TypeBifurcation, Quality: 40},
			{X: 16383, Y: 16383, Angle: 2*math.Pi - 0.01, Type: TypeOther, Quality: 100},
		},
	}
}

func TestISORoundTrip(t *testing.T) {
	in := sampleTemplate()
	b, err := EncodeISO(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := 24 + 4 + 6*3 + 2; len(b) != want {
		t.Fatalf("record is %d bytes, want %d", len(b), want)
	}
	out, err := DecodeISO(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%d views", len(out))
	}
	got := out[0]
	if got.Width != in.Width || got.Height != in.Height || got.ResX != in.ResX || got.Position != in.Position || got.Quality != in.Quality {
		t.Fatalf("header %+v, want %+v", got, in)
	}
	for i, m := range got.Minutiae {
		w := in.Minutiae[i]
		da := math.Abs(math.Remainder(m.Angle-w.Angle, 2*math.Pi))
		if m.X != w.X || m.Y != w.Y || m.Type != w.Type || m.Quality != w.Quality || da > math.Pi/256+1e-9 {
			t.Errorf("minutia %d = %+v, want %+v", i, m, w)
		}
	}
}

func TestISODecodeErrors(t *testing.T) {
	good, _ := EncodeISO(sampleTemplate())
	withExt := append([]byte(nil), good...)
	withExt[len(withExt)-2], withExt[len(withExt)-1] = 0, 4
	withExt = append(withExt, 0, 1, 0, 4)
	withExt[11] += 4
	if _, err := DecodeISO(withExt); err != nil {
		t.Fatalf("extended data not skipped: %v", err)
	}
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"magic", append([]byte("FMR\x00 21\x00"), good[8:]...), ErrFormat},
		{"short length", good[:30], ErrTruncated},
		{"minutiae cut", func() []byte { b := append([]byte(nil), good...); b[27] = 40; return b }(), ErrTruncated},
		{"ext too long", func() []byte { b := append([]byte(nil), good...); b[len(b)-1] = 9; return b }(), ErrTruncated},
	}
	for _, c := range cases {
		if _, err := DecodeISO(c.b); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
}

func FuzzDecodeISO(f *testing.F) {
	good, _ := EncodeISO(sampleTemplate())
	f.Add(good)
	f.Add([]byte("FMR\x00 20\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		views, err := DecodeISO(b)
		if err != nil {
			return
		}
		for i := range views {
			if views[i].Validate() != nil {
				continue
			}
			if _, err := EncodeISO(&views[i]); err != nil {
				t.Fatalf("re-encode of decoded view: %v", err)
			}
			Prepare(&views[i])
		}
	})
}
