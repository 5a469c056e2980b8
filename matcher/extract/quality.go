package extract

import (
	"math"
	"sort"

	"github.com/enrolld/enrolld/matcher"
)

// Quality is a finger-image quality assessment in the spirit of NFIQ 2 (ISO/IEC
// 29794-4): native measures of the image, taken at 500 dpi, combined into one score
// that predicts how well the image will match. The measures follow the published
// definitions of NFIQ 2's features (the names in brackets; the code is this package's
// own); quality_test.go compares them with NFIQ 2's values on its example images. Where
// this implementation departs from NFIQ 2: the blocks are those wholly inside the
// finger area found by segmentation (NFIQ 2 thresholds the local grey-level deviation),
// the slanted windows are sampled bilinearly (NFIQ 2: nearest neighbour), local clarity
// judges the widths of complete ridges and valleys only, the frequency measure does not
// treat a peak at the lowest frequency as perfect, and orientation flow compares angles
// modulo 180°.
//
// The score (0–100) combines a ridge term and an amount term:
//
//	ridge  = (2·F + 3·U + ½·C + ½·O) / 6
//	score  = 100 · ridge · (½ + ½·M)
//
// with F the frequency-domain measure mapped linearly from 0.25 (0) to 0.60 (1), U the
// ridge–valley uniformity from a deviation of 1.0 (0) to 0.1 (1), C the clarity from
// 0.45 to 1, O the orientation certainty from 0.30 to 1, and M the minutiae count from 5
// to 40. The two measures of a regular ridge–valley pattern dominate because, of all
// the measures, they best picked out the images that fail to match on FVC2002 (wet,
// dark prints whose ridges merge; dry prints whose ridges break up); clarity and
// certainty catch noise and smudges; few minutiae halve the score at most, since a
// small but clear print still matches. On FVC2002 the medians are about 48 (DB1, optical),
// 52 (DB2, optical), 33 (DB3, capacitive) and 42 (DB4, synthetic); NIST's five NFIQ 2
// examples score 73–86 where NFIQ 2 gives 45–57 (same order: best 05, worst 02): their
// local measures are in the top decile of NFIQ 2's own feature histograms, which this
// score rewards more than NFIQ 2's trained model does.
type Quality struct {
	// Score is the overall quality, 0 (unusable) … 100 (excellent), on a scale like
	// NFIQ 2's unified quality score.
	Score uint8 `json:"score"`
	// ForegroundMM2 is the area of the finger in square millimetres.
	ForegroundMM2 float64 `json:"foreground_mm2"`
	// OrientationCertainty is the mean over the finger's 32×32 blocks of 1 − λmin/λmax
	// of the gradient covariance (OCL_Bin10_Mean), 0 (no dominant direction) … 1.
	OrientationCertainty float64 `json:"orientation_certainty"`
	// Coherence is the mean block coherence (λmax − λmin)/(λmax + λmin)
	// (OrientationMap_ROIFilter_CoherenceRel).
	Coherence float64 `json:"coherence"`
	// Clarity is the mean local clarity score (LCS_Bin10_Mean): 1 − the mean share of
	// ridge and valley pixels on the wrong side of the local grey-level trend, 0 for
	// blocks whose ridge or valley widths are implausible.
	Clarity float64 `json:"clarity"`
	// FrequencyDomain is the mean share of a block profile's spectrum in its dominant
	// ridge frequency (FDA_Bin10_Mean): high for a clean periodic ridge pattern.
	FrequencyDomain float64 `json:"frequency_domain"`
	// RidgeValleyRatio is the mean and RidgeValleyUniformity the standard deviation of
	// the width ratios of successive ridges and valleys (RVUP_Bin10_Mean, _StdDev):
	// uniform ridges give a small deviation.
	RidgeValleyRatio      float64 `json:"ridge_valley_ratio"`
	RidgeValleyUniformity float64 `json:"ridge_valley_uniformity"`
	// OrientationFlow is the mean normalised orientation change between neighbouring
	// 16×16 blocks where it exceeds 4° (OF_Bin10_Mean): 0 smooth … 1 chaotic.
	OrientationFlow float64 `json:"orientation_flow"`
	// Minutiae is the number of minutiae found (FingerJetFX_MinutiaeCount) and
	// MinutiaeCentral those within 100 pixels of their centre of mass in x and y
	// (FingerJetFX_MinCount_COMMinRect200x200).
	Minutiae        int `json:"minutiae"`
	MinutiaeCentral int `json:"minutiae_central"`
	// MinutiaeCertain is the share of minutiae whose 32×32 block has an orientation
	// certainty above 0.8 (FJFXPos_OCL_MinutiaeQuality_80); MinutiaeContrast the share
	// whose block is darker than the image mean by at most half a standard deviation
	// (FJFXPos_Mu_MinutiaeQuality_2).
	MinutiaeCertain  float64 `json:"minutiae_certain"`
	MinutiaeContrast float64 `json:"minutiae_contrast"`
	// MeanGrey is the mean grey level of the image (Mu) and ForegroundGrey that of the
	// finger area (ImgProcROIArea_Mean).
	MeanGrey       float64 `json:"mean_grey"`
	ForegroundGrey float64 `json:"foreground_grey"`
}

// quality rates the image of st given its final minutiae.
func (st *state) quality(ms []matcher.Minutia) Quality {
	f := st.f
	var q Quality
	fg := 0
	for _, v := range f.fg {
		if v {
			fg++
		}
	}
	const mmPerBlock = blockSize * 25.4 / 500
	q.ForegroundMM2 = float64(fg) * mmPerBlock * mmPerBlock
	m := measureBlocks(st.g, f)
	q.MeanGrey, q.ForegroundGrey = m.imgMean, m.roiMean
	q.OrientationFlow = m.ofMean
	var ratios []float64
	for _, b := range m.blocks {
		q.OrientationCertainty += b.ocl
		q.Coherence += b.coh
		q.Clarity += b.lcs
		q.FrequencyDomain += b.fda
		ratios = append(ratios, b.ratios...)
	}
	if n := float64(len(m.blocks)); n > 0 {
		q.OrientationCertainty /= n
		q.Coherence /= n
		q.Clarity /= n
		q.FrequencyDomain /= n
	}
	q.RidgeValleyRatio, q.RidgeValleyUniformity = meanStd64(ratios)
	var pts [][2]int
	for _, c := range st.cands {
		if !c.removed {
			pts = append(pts, [2]int{c.x, c.y})
		}
	}
	q.Minutiae = len(pts)
	q.MinutiaeCentral, q.MinutiaeCertain, q.MinutiaeContrast = minutiaMeasures(st.g, pts, m.imgMean, m.imgStd)
	q.Score = uint8(math.Round(100 * score(q, m)))
	return q
}

// score combines the measures into 0 … 1 (see the package documentation): a ridge
// term dominated by the two measures of a regular ridge–valley pattern (frequency
// domain analysis and ridge–valley uniformity, which on FVC2002 separated the images
// that fail to match best), with clarity and orientation certainty, scaled down by up to
// half when few minutiae were found.
func score(q Quality, m measures) float64 {
	if len(m.blocks) == 0 {
		return 0
	}
	uniform := ramp(q.RidgeValleyUniformity, 1.0, 0.1)
	if q.RidgeValleyRatio == 0 {
		uniform = 0 // no complete ridge and valley anywhere
	}
	ridge := (wFDA*ramp(q.FrequencyDomain, 0.25, 0.60) +
		wRVU*uniform +
		wLCS*ramp(q.Clarity, 0.45, 1.0) +
		wOCL*ramp(q.OrientationCertainty, 0.30, 1.0)) / (wFDA + wRVU + wLCS + wOCL)
	amount := ramp(float64(q.Minutiae), 5, 40)
	return ridge * (0.5 + 0.5*amount)
}

// Weights of the ridge measures in score.
const (
	wFDA = 2.0
	wRVU = 3.0
	wLCS = 0.5
	wOCL = 0.5
)

func meanStd64(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return 0, 0
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

// ramp maps v linearly from lo to hi onto 0 to 1, clamped; hi may be below lo for
// measures where less is better.
func ramp(v, lo, hi float64) float64 {
	return math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
}

func sortByQuality(ms []matcher.Minutia) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Quality > ms[j].Quality })
}
