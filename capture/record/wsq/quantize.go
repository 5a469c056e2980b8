package wsq

import "math"

// Bin width selection (IAFIS-IC-0110 §A.3): each subband's variance σ²_k is
// measured on its central region; subbands with σ²_k < 1.01 are dropped;
// the others get Q_k = Q'_k / q with Q'_k = 1 for the four coarsest
// subbands and 10 / (A_k · ln σ²_k) for the rest, where q is chosen so the
// estimated rate meets the target. Subbands whose estimated rate would be
// negative are excluded from the rate budget and q is recomputed.

const (
	varianceThreshold = 1.01
	binCentre         = 0.44 // C: reconstruction point inside a bin
	zeroBinRatio      = 1.2  // Z_k = 1.2 Q_k
)

// subbandWeight returns A_k, the perceptual weight of subband k.
func subbandWeight(k int) float64 {
	switch k {
	case 52, 56:
		return 1.32
	case 53, 55, 58, 59:
		return 1.08
	case 54, 57:
		return 1.42
	}
	return 1
}

// subbandShare returns the subband's share of the image area (1/m_k).
func subbandShare(k int) float64 {
	switch {
	case k < 4:
		return 1.0 / 1024
	case k < 51:
		return 1.0 / 256
	}
	return 1.0 / 16
}

// variances measures σ²_k. The central region skips 1/8 of the width and
// 9/32 of the height and spans 3/4 × 7/16; when the four coarsest subbands
// show little energy (sum below 20000) whole subbands are used instead.
func variances(plane []float32, width int, l *layout) [codedSubbands]float64 {
	var v [codedSubbands]float64
	sum := 0.0
	for k := 0; k < 4; k++ {
		v[k] = centralVariance(plane, width, l.subbands[k])
		sum += v[k]
	}
	for k := 4; k < codedSubbands; k++ {
		v[k] = centralVariance(plane, width, l.subbands[k])
	}
	if sum < 20000 {
		for k := 0; k < codedSubbands; k++ {
			v[k] = regionVariance(plane, width, l.subbands[k])
		}
	}
	return v
}

func centralVariance(plane []float32, width int, r rect) float64 {
	return regionVariance(plane, width, rect{
		x: r.x + r.w/8, y: r.y + 9*r.h/32, w: 3 * r.w / 4, h: 7 * r.h / 16,
	})
}

// regionVariance is the unbiased sample variance over r.
func regionVariance(plane []float32, width int, r rect) float64 {
	n := r.w * r.h
	if n < 2 {
		return 0
	}
	var s, ss float64
	for y := 0; y < r.h; y++ {
		for _, v := range plane[(r.y+y)*width+r.x:][:r.w] {
			f := float64(v)
			s += f
			ss += f * f
		}
	}
	return (ss - s*s/float64(n)) / float64(n-1)
}

// binWidths returns Q_k for the target bit rate (bits per pixel); 0 marks a
// subband that is not coded.
func binWidths(vars *[codedSubbands]float64, rate float64) [codedSubbands]float64 {
	var qp, sigma [codedSubbands]float64
	var initial, set []int
	for k, v := range vars {
		if v < varianceThreshold {
			continue
		}
		sigma[k] = math.Sqrt(v)
		qp[k] = 1
		if k >= 4 {
			qp[k] = 10 / (subbandWeight(k) * math.Log(v))
		}
		initial = append(initial, k)
	}
	var out [codedSubbands]float64
	if len(initial) == 0 {
		return out
	}
	set = append(set, initial...)
	q := 0.0
	for {
		s, logP := 0.0, 0.0
		for _, k := range set {
			s += subbandShare(k)
			logP += subbandShare(k) * math.Log(sigma[k]/qp[k])
		}
		q = math.Pow(2, rate/s-1) / 2.5 / math.Exp(logP/s)
		kept := set[:0]
		for _, k := range set {
			if qp[k]/q < 5*sigma[k] {
				kept = append(kept, k)
			}
		}
		if len(kept) == len(set) || len(kept) == 0 {
			break
		}
		set = kept
	}
	for _, k := range initial {
		out[k] = qp[k] / q
	}
	return out
}

// quantize maps x to its bin index with bin width q and zero-bin half
// width hz, clamped to the 16-bit range the entropy coder can express.
func quantize(x, q, hz float32) int32 {
	var v float32
	switch {
	case x > hz:
		v = (x-hz)/q + 1
	case x < -hz:
		v = (x+hz)/q - 1
	default:
		return 0
	}
	v = max(min(v, 65535), -65535)
	return int32(v)
}
