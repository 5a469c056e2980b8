package enroll

import (
	"context"
	"image"
	stdsync "sync"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// ExtractAnalyzer is the FingerAnalyzer of matcher/extract: minutiae, quality and the
// prepared template for the same-finger check.
type ExtractAnalyzer struct{}

// AnalyzeFinger extracts the template of img.
func (ExtractAnalyzer) AnalyzeFinger(ctx context.Context, img *capture.FingerImage, position int) (*FingerAnalysis, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g := &image.Gray{Pix: img.Pix, Stride: img.Width, Rect: image.Rect(0, 0, img.Width, img.Height)}
	res, err := extract.Extract(g, extract.Options{DPI: img.DPI, Position: uint8(position)})
	if err != nil {
		return nil, err
	}
	return &FingerAnalysis{Quality: int(res.Quality.Score), Template: res.Template, Prepared: matcher.Prepare(res.Template)}, nil
}

// SharedComparer is a Comparer safe for concurrent use: it serialises a single
// matcher.Comparator (whose scratch buffers cannot be shared) between sessions.
type SharedComparer struct {
	mu stdsync.Mutex
	c  matcher.Comparator
}

// Compare implements Comparer.
func (s *SharedComparer) Compare(a, b *matcher.Prepared) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.Compare(a, b)
}
