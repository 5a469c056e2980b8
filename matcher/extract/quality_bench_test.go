package extract

import (
	"image/png"
	"os"
	"testing"
)

// BenchmarkQuality times the quality measures alone (the rest of extraction excluded)
// on one FVC2002 DB1 image.
func BenchmarkQuality(b *testing.B) {
	fh, err := os.Open("../../../shared/data/fvc2002/DB1_B/101_1.png")
	if err != nil {
		b.Skipf("FVC2002 data not available: %v", err)
	}
	img, err := png.Decode(fh)
	fh.Close()
	if err != nil {
		b.Fatal(err)
	}
	st := run(fromImage(img))
	ms := st.minutiae(1, 120)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st.quality(ms)
	}
}
