package matcher

import "math"

// Angles inside Prepared are held in "binary radians": 256 units per turn, so differences
// wrap for free in a uint8 and tables index directly.

// fastAtan2 approximates math.Atan2 within about 0.005 rad, plenty for 256-unit angles.
func fastAtan2(y, x float32) float32 {
	ax, ay := abs32(x), abs32(y)
	if ax == 0 && ay == 0 {
		return 0
	}
	var a float32
	if ax >= ay {
		r := ay / ax
		a = r * (math.Pi/4 + 0.273*(1-r))
	} else {
		r := ax / ay
		a = math.Pi/2 - r*(math.Pi/4+0.273*(1-r))
	}
	if x < 0 {
		a = math.Pi - a
	}
	if y < 0 {
		a = -a
	}
	return a
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// brad converts radians to 256-unit angles.
func brad(a float32) uint8 {
	return uint8(int32(math.Floor(float64(a)*256/(2*math.Pi) + 0.5)))
}

// bradDiff returns |a-b| as the shortest way round, 0..128.
func bradDiff(a, b uint8) uint8 {
	d := a - b
	if d > 128 {
		d = -d
	}
	return d
}

// sigmoid is the logistic function Z(v; μ, τ) of the MCC papers.
func sigmoid(v, mu, tau float64) float64 { return 1 / (1 + math.Exp(-tau*(v-mu))) }
