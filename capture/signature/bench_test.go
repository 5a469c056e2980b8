package signature

import (
	"math"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
)

// demo is a 3-stroke, 120 × 35 mm signature of about 1000 samples.
func demo() *Signature {
	s := &Signature{}
	at := t0
	for k := 0; k < 3; k++ {
		for i := 0; i < 330; i++ {
			x := float64(k)*40 + float64(i)/330*38
			y := 15 + 12*math.Sin(float64(i)/8)
			s.Samples = append(s.Samples, capture.PenSample{XMM: x, YMM: y, Pressure: 300 + i%400, MaxPressure: 1023, Tip: true, Proximity: true, Time: at})
			at = at.Add(time.Second / 130)
		}
		s.Samples = append(s.Samples, capture.PenSample{Proximity: true, Time: at})
	}
	return s
}

func BenchmarkRender300dpi(b *testing.B) {
	s := demo()
	for i := 0; i < b.N; i++ {
		if _, err := s.Render(nil); err != nil {
			b.Fatal(err)
		}
	}
}
