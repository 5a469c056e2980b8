package extract

import (
	"math"
	"sort"

	"github.com/enrolld/enrolld/matcher"
)

// Quality is a finger-image quality assessment in the spirit of NFIQ 2 (ISO/IEC
// 29794-4): a few native measures of the image, each mapped to 0–1, combined into one
// score that predicts how well the image will match. All measures are taken at 500 dpi.
type Quality struct {
	// Score is the overall quality, 0 (unusable) … 100 (excellent).
	Score uint8 `json:"score"`
	// ForegroundMM2 is the area of the finger in square millimetres.
	ForegroundMM2 float64 `json:"foreground_mm2"`
	// OrientationCertainty is the mean coherence of the ridge orientation over the
	// finger, 0 (no dominant direction) … 1 (perfectly parallel ridges).
	OrientationCertainty float64 `json:"orientation_certainty"`
	// Clarity is the mean local ridge–valley separation, 0 (grey levels of ridges and
	// valleys overlap) … 1 (cleanly separated), like NFIQ 2's local clarity score.
	Clarity float64 `json:"clarity"`
	// FrequencyValid is the fraction of the finger with a clear, plausible ridge
	// frequency (like NFIQ 2's frequency domain analysis).
	FrequencyValid float64 `json:"frequency_valid"`
	// Minutiae is the number of minutiae found and MinutiaQuality their mean quality 0–1.
	Minutiae       int     `json:"minutiae"`
	MinutiaQuality float64 `json:"minutia_quality"`
}

// Weights of the measures in Score; they sum to 1.
const (
	wArea     = 0.15
	wOrient   = 0.20
	wClarity  = 0.25
	wFreq     = 0.15
	wMinutiae = 0.25
)

// quality rates the image of st given its final minutiae.
func (st *state) quality(ms []matcher.Minutia) Quality {
	f := st.f
	var q Quality
	var fg int
	var coh float64
	for b, v := range f.fg {
		if v {
			fg++
			coh += float64(f.coh[b])
		}
	}
	if fg == 0 {
		return q
	}
	const mmPerBlock = blockSize * 25.4 / 500
	q.ForegroundMM2 = float64(fg) * mmPerBlock * mmPerBlock
	q.OrientationCertainty = coh / float64(fg)
	q.Clarity = st.clarity
	q.FrequencyValid = float64(f.waveValid) / float64(fg)
	q.Minutiae = len(ms)
	for _, m := range ms {
		q.MinutiaQuality += float64(m.Quality) / 100
	}
	if len(ms) > 0 {
		q.MinutiaQuality /= float64(len(ms))
	}
	s := wArea*ramp(q.ForegroundMM2, 50, 300) +
		wOrient*ramp(q.OrientationCertainty, 0.3, 1) +
		wClarity*ramp(q.Clarity, 0.3, 1) +
		wFreq*ramp(q.FrequencyValid, 0.5, 1) +
		wMinutiae*ramp(float64(q.Minutiae)*q.MinutiaQuality, 10, 80)
	q.Score = uint8(math.Round(100 * s))
	return q
}

// ramp maps v linearly from [lo, hi] to [0, 1], clamped.
func ramp(v, lo, hi float64) float64 {
	return math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
}

// clarity measures, per foreground block, how well the grey levels of the pixels the
// enhancement called ridge separate from those it called valley: the fraction of the
// block's pixels on the right side of the threshold halfway between the two means,
// rescaled so chance (half) is 0. It returns the mean over the foreground.
func clarity(g *gray, ridges []uint8, f *field) float64 {
	f.clarity = make([]float32, len(f.fg))
	var sum float64
	n := 0
	for by := 0; by < f.bh; by++ {
		for bx := 0; bx < f.bw; bx++ {
			if !f.fg[by*f.bw+bx] {
				continue
			}
			var sr, sv float64
			var nr, nv int
			x1, y1 := min((bx+1)*blockSize, g.w), min((by+1)*blockSize, g.h)
			for y := by * blockSize; y < y1; y++ {
				for x := bx * blockSize; x < x1; x++ {
					v := float64(g.pix[y*g.w+x])
					if ridges[y*g.w+x] == 1 {
						sr, nr = sr+v, nr+1
					} else {
						sv, nv = sv+v, nv+1
					}
				}
			}
			if nr == 0 || nv == 0 {
				n++
				continue
			}
			t := (sr/float64(nr) + sv/float64(nv)) / 2
			right := 0
			for y := by * blockSize; y < y1; y++ {
				for x := bx * blockSize; x < x1; x++ {
					dark := float64(g.pix[y*g.w+x]) < t
					if dark == (ridges[y*g.w+x] == 1) {
						right++
					}
				}
			}
			cl := math.Max(0, 2*float64(right)/float64(nr+nv)-1)
			f.clarity[by*f.bw+bx] = float32(cl)
			sum += cl
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func sortByQuality(ms []matcher.Minutia) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Quality > ms[j].Quality })
}
