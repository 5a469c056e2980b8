package matcher

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestZZSynth(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var c Comparator
	for trial := 0; trial < 5; trial++ {
		a := randomTemplate(r, 35)
		b := transform(a, 0.3, 20, 10)
		var ms []Minutia
		for _, m := range b.Minutiae {
			if r.Float64() < 0.3 {
				continue
			}
			m.X += r.IntN(7) - 3
			m.Y += r.IntN(7) - 3
			m.Angle = normAngle(m.Angle + (r.Float64()-0.5)*0.35)
			ms = append(ms, m)
		}
		for k := 0; k < 8; k++ {
			ms = append(ms, Minutia{X: 300 + r.IntN(300), Y: 300 + r.IntN(300), Angle: r.Float64() * 6})
		}
		b.Minutiae = ms
		o := randomTemplate(r, 35)
		fmt.Printf("self %.3f noisy %.3f impostor %.3f\n", c.Compare(Prepare(a), Prepare(a)), c.Compare(Prepare(a), Prepare(b)), c.Compare(Prepare(a), Prepare(o)))
	}
	_ = math.Pi
}
