package matcher

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomTemplate makes a plausible random template: n minutiae in a 300×350 px area,
// at least 12 px apart, directions following a smooth flow.
func randomTemplate(r *rand.Rand, n int) *Template {
	t := &Template{Width: 400, Height: 450, ResX: 197, ResY: 197}
	for len(t.Minutiae) < n {
		x, y := 50+r.IntN(300), 50+r.IntN(350)
		ok := true
		for _, m := range t.Minutiae {
			if (m.X-x)*(m.X-x)+(m.Y-y)*(m.Y-y) < 144 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		a := math.Atan2(float64(y-225), float64(x-200)) + math.Pi/2 + r.Float64()*0.3
		if r.IntN(2) == 0 {
			a += math.Pi
		}
		t.Minutiae = append(t.Minutiae, Minutia{X: x, Y: y, Angle: normAngle(a), Type: MinutiaType(1 + r.IntN(2)), Quality: 60})
	}
	return t
}

// transform rotates a template by rot radians about its centre and shifts it; minutiae
// that leave the image are dropped.
func transform(t *Template, rot float64, dx, dy int) *Template {
	out := *t
	out.Width, out.Height = 800, 800
	out.Minutiae = nil
	c, s := math.Cos(rot), math.Sin(rot)
	for _, m := range t.Minutiae {
		x, y := float64(m.X-200), float64(m.Y-225)
		// counter-clockwise on the image (y down) is a negative mathematical rotation of (x, y)
		nx := x*c + y*s + 400 + float64(dx)
		ny := -x*s + y*c + 400 + float64(dy)
		if nx < 0 || ny < 0 {
			continue
		}
		m.X, m.Y = int(math.Round(nx)), int(math.Round(ny))
		m.Angle = normAngle(m.Angle + rot)
		out.Minutiae = append(out.Minutiae, m)
	}
	return &out
}

func TestCompareInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var c Comparator
	for trial := 0; trial < 5; trial++ {
		a := randomTemplate(r, 40)
		other := randomTemplate(r, 40)
		pa := Prepare(a)
		self := c.Compare(pa, pa)
		imp := c.Compare(pa, Prepare(other))
		for _, tr := range []struct {
			rot    float64
			dx, dy int
		}{{0, 0, 0}, {0, 37, -21}, {math.Pi / 6, 0, 0}, {-math.Pi / 4, 15, 60}, {math.Pi / 3, -40, 10}} {
			s := c.Compare(pa, Prepare(transform(a, tr.rot, tr.dx, tr.dy)))
			if s < 0.8*self || s < 5*imp {
				t.Errorf("trial %d, rotation %.2f shift (%d,%d): score %.3f, self %.3f, impostor %.3f",
					trial, tr.rot, tr.dx, tr.dy, s, self, imp)
			}
		}
	}
}

func TestCompareSymmetricAndDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a, b := Prepare(randomTemplate(r, 35)), Prepare(randomTemplate(r, 45))
	var c1, c2 Comparator
	x, y := c1.Compare(a, b), c2.Compare(a, b)
	if x != y {
		t.Fatalf("not deterministic: %v vs %v", x, y)
	}
	if z := c1.Compare(b, a); math.Abs(z-x) > 0.05 {
		t.Errorf("asymmetric: %v vs %v", x, z)
	}
}

func TestPackedRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	tm := randomTemplate(r, 30)
	p := Pack(tm)
	if p.Len() != 30 || len(p) != 1+5*30 {
		t.Fatalf("packed len %d (%d bytes)", p.Len(), len(p))
	}
	u, err := p.Unpack()
	if err != nil {
		t.Fatal(err)
	}
	var c Comparator
	pp, err := PreparePacked(p)
	if err != nil {
		t.Fatal(err)
	}
	direct := c.Compare(Prepare(tm), Prepare(tm))
	if s := c.Compare(Prepare(tm), pp); s < 0.9*direct {
		t.Errorf("packed score %.3f, direct %.3f", s, direct)
	}
	for i, m := range u.Minutiae {
		w := tm.Minutiae[i]
		if abs(m.X-w.X) > 1 || abs(m.Y-w.Y) > 1 || m.Type != w.Type {
			t.Errorf("minutia %d: %+v vs %+v", i, m, w)
		}
	}
	if _, err := PreparePacked(p[:len(p)-1]); err == nil {
		t.Error("truncated packed template accepted")
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestCompareDegenerate(t *testing.T) {
	var c Comparator
	empty := Prepare(&Template{})
	one := Prepare(&Template{Minutiae: []Minutia{{X: 10, Y: 10}}})
	two := Prepare(&Template{Minutiae: []Minutia{{X: 10, Y: 10}, {X: 10, Y: 10}}})
	r := rand.New(rand.NewPCG(9, 9))
	full := Prepare(randomTemplate(r, 30))
	for _, p := range []*Prepared{empty, one, two} {
		if s := c.Compare(p, full); s != 0 {
			t.Errorf("degenerate template scores %v", s)
		}
		if s := c.Compare(full, p); s != 0 {
			t.Errorf("degenerate template scores %v", s)
		}
	}
}

func FuzzPreparePacked(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	f.Add([]byte(Pack(randomTemplate(r, 12))))
	f.Add([]byte{0})
	f.Add([]byte{2, 1, 2, 3, 4, 5})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := PreparePacked(Packed(b))
		if err != nil {
			return
		}
		var c Comparator
		if s := c.Compare(p, p); s < 0 || s > 1 || math.IsNaN(s) {
			t.Fatalf("self score %v", s)
		}
	})
}
