package wsq

import "math"

// WSQ stores real-valued parameters (image mean and scale, bin widths,
// filter coefficients) as an unsigned integer mantissa with a decimal
// scale: value = mantissa / 10^scale. A decoder divides by ten once per
// scale step in single precision; doing the division in that order is what
// makes two decoders agree to the last bit.

// scaled16 returns mantissa / 10^scale computed as the reference decoder
// does, one float32 division by ten per step.
func scaled16(scale uint8, mantissa uint16) float32 {
	return divTens(float32(mantissa), scale)
}

// scaled32 is scaled16 for the 32-bit mantissas of the transform table.
func scaled32(scale uint8, mantissa uint32) float32 {
	return divTens(float32(mantissa), scale)
}

func divTens(f float32, scale uint8) float32 {
	for ; scale > 0; scale-- {
		f /= 10
	}
	return f
}

// toScaled returns the scale and mantissa that represent v ≥ 0 with the
// most significant digits whose mantissa stays below limit, without
// trailing zeros. Values too large for the mantissa are clamped to it.
func toScaled(v float64, limit float64) (scale uint8, mantissa uint64) {
	if !(v > 0) {
		return 0, 0
	}
	if v >= limit {
		return 0, uint64(limit)
	}
	for scale < 255 && v*math.Pow(10, float64(scale)+1) < limit {
		scale++
	}
	m := math.Round(v * math.Pow(10, float64(scale)))
	if m > limit {
		m = limit
	}
	mantissa = uint64(m)
	for scale > 0 && mantissa%10 == 0 { // 0.44 is 44/10², not 44000/10⁵
		scale--
		mantissa /= 10
	}
	return scale, mantissa
}

// toScaled16 represents v in a 16-bit mantissa.
func toScaled16(v float64) (uint8, uint16) {
	s, m := toScaled(v, 65535)
	return s, uint16(m)
}

// toScaled32 represents v in a 32-bit mantissa.
func toScaled32(v float64) (uint8, uint32) {
	s, m := toScaled(v, 4294967295)
	return s, uint32(m)
}

// decimal16 is a parameter in its stored form.
type decimal16 struct {
	scale uint8
	mant  uint16
}

// newDecimal16 rounds v ≥ 0 to its stored form.
func newDecimal16(v float64) decimal16 {
	s, m := toScaled16(v)
	return decimal16{s, m}
}

// value is what a decoder reads back.
func (d decimal16) value() float32 { return scaled16(d.scale, d.mant) }

func (d decimal16) append(b []byte) []byte {
	return append(b, d.scale, byte(d.mant>>8), byte(d.mant))
}
