package face

import (
	"context"
	"testing"
)

// BenchmarkCheck times the whole check of a real portrait (910 × 1137): detection on the
// reduced image, pupils and mouth at full resolution, photometry, token crop and JPEG.
func BenchmarkCheck(b *testing.B) {
	k := newChecker(b)
	img := loadPortrait(b, "portrait-1.jpg")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := k.Check(ctx, img); err != nil {
			b.Fatal(err)
		}
	}
}
