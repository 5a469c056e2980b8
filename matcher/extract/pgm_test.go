package extract

import (
	"errors"
	"testing"
)

func TestDecodePGM(t *testing.T) {
	img, err := DecodePGM([]byte("P5\n# comment\n3 2\n255\n\x00\x01\x02\x03\x04\x05"))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 3 || img.Bounds().Dy() != 2 || img.GrayAt(2, 1).Y != 5 {
		t.Fatalf("decoded %v %v", img.Bounds(), img.Pix)
	}
	for _, bad := range []string{"", "P2\n1 1\n255\n\x00", "P5\n3 2\n255\n\x00", "P5\n-1 2\n255\n", "P5\n2 2\n65535\n\x00\x00"} {
		if _, err := DecodePGM([]byte(bad)); !errors.Is(err, ErrPGM) {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func FuzzDecodePGM(f *testing.F) {
	f.Add([]byte("P5\n3 2\n255\n\x00\x01\x02\x03\x04\x05"))
	f.Add([]byte("P5 1 1 255 \x07"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := DecodePGM(b)
		if err != nil {
			return
		}
		if len(img.Pix) != img.Bounds().Dx()*img.Bounds().Dy() {
			t.Fatal("pixel buffer does not match the size")
		}
	})
}
