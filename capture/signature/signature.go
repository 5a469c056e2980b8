// Package signature keeps an electronic signature as the pen samples a signature pad
// produced (the vector form: position, pressure and time of every sample), renders it
// to a clean greyscale image for review and for the ANSI/NIST-ITL Type-8 record, and
// decides whether it is usable.
//
// A signature is a sequence of strokes: each stroke starts when the pen tip touches the
// pad and ends when it lifts. Samples while the pen hovers (in proximity, tip up) carry
// position but leave no ink. Rendering draws every pen-down segment as a line whose
// width follows the pressure, crops to the ink with a margin, and scales to the chosen
// resolution. A signature with too little ink, too few strokes or too short a time at
// the pad is unusable, and Check says which.
package signature

import (
	"math"
	"time"

	"github.com/enrolld/enrolld/capture"
)

// Signature is one signature in vector form.
type Signature struct {
	// Device names the pad (capture.Info.Model), for the record.
	Device string `json:"device,omitempty"`
	// Samples are the pad's samples in the order received.
	Samples []capture.PenSample `json:"samples"`
}

// Stroke is a run of consecutive pen-down samples.
type Stroke []capture.PenSample

// Strokes splits the samples into pen-down strokes.
func (s *Signature) Strokes() []Stroke {
	var out []Stroke
	var cur Stroke
	for _, p := range s.Samples {
		if p.Tip {
			cur = append(cur, p)
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// Stats summarises a signature.
type Stats struct {
	Samples  int
	Strokes  int
	InkMM    float64       // total pen-down path length
	Duration time.Duration // first touch-down to last lift-off
	WidthMM  float64       // extent of the ink
	HeightMM float64
}

// Stats measures the signature.
func (s *Signature) Stats() Stats {
	st := Stats{Samples: len(s.Samples)}
	strokes := s.Strokes()
	st.Strokes = len(strokes)
	if len(strokes) == 0 {
		return st
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, k := range strokes {
		for i, p := range k {
			minX, maxX = math.Min(minX, p.XMM), math.Max(maxX, p.XMM)
			minY, maxY = math.Min(minY, p.YMM), math.Max(maxY, p.YMM)
			if i > 0 {
				st.InkMM += math.Hypot(p.XMM-k[i-1].XMM, p.YMM-k[i-1].YMM)
			}
		}
	}
	st.WidthMM, st.HeightMM = maxX-minX, maxY-minY
	first := strokes[0][0].Time
	last := strokes[len(strokes)-1]
	st.Duration = last[len(last)-1].Time.Sub(first)
	return st
}
