package wsq

import (
	"image"
	"os"
	"path/filepath"
	"testing"
)

// benchImage is the NBIS oracle image when present, else a synthetic one
// of the same size.
func benchImage(b *testing.B) *image.Gray {
	raw, err := os.ReadFile(filepath.Join(oracleDir, "sample.nbis_dwsq.545x622.raw"))
	if err != nil {
		return ridges(oracleW, oracleH, 7)
	}
	return &image.Gray{Pix: raw, Stride: oracleW, Rect: image.Rect(0, 0, oracleW, oracleH)}
}

func BenchmarkEncode(b *testing.B) {
	img := benchImage(b)
	var e Encoder
	b.SetBytes(int64(len(img.Pix)))
	b.ReportAllocs()
	c := startCPU()
	defer c.report(b)
	for b.Loop() {
		if _, err := e.Encode(img, &Options{BitRate: 0.75}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode decodes NIST's sample.wsq when present, else this
// package's encoding of the synthetic image, both 545 × 622 at 0.75 bpp.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(oracleDir, "sample.wsq"))
	if err != nil {
		var e Encoder
		enc, err := e.Encode(benchImage(b), &Options{BitRate: 0.75})
		if err != nil {
			b.Fatal(err)
		}
		data = append([]byte(nil), enc...)
	}
	img := benchImage(b)
	d := NewDecoder(nil)
	b.SetBytes(int64(len(img.Pix)))
	b.ReportAllocs()
	c := startCPU()
	defer c.report(b)
	for b.Loop() {
		if _, _, err := d.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
