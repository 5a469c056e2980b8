package synth

import (
	"math"
	"reflect"
	"testing"

	"github.com/enrolld/enrolld/matcher"
)

func TestDeterministic(t *testing.T) {
	a := NewFinger(Options{}, 7, 123, 4).Impression(7, 123, 4, 2, 5)
	b := NewFinger(Options{}, 7, 123, 4).Impression(7, 123, 4, 2, 5)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gives different impressions")
	}
	c := NewFinger(Options{}, 8, 123, 4).Impression(8, 123, 4, 2, 5)
	if reflect.DeepEqual(a.Minutiae, c.Minutiae) {
		t.Fatal("different seeds give the same impression")
	}
}

func TestStructure(t *testing.T) {
	var counts, endings, total int
	for p := range 200 {
		f := NewFinger(Options{}, 1, p, p%10)
		if n := len(f.Minutiae); n < 12 || n > 120 {
			t.Fatalf("finger %d: %d minutiae", p, n)
		}
		for i, m := range f.Minutiae {
			ex, ey := (float64(m.X)-areaW/2)/(areaW/2), (float64(m.Y)-areaH*0.45)/(areaH*0.55)
			if ex*ex+ey*ey > 1.02 {
				t.Fatalf("finger %d minutia %d at %d,%d outside the finger", p, i, m.X, m.Y)
			}
			for _, o := range f.Minutiae[i+1:] {
				if d := math.Hypot(float64(m.X-o.X), float64(m.Y-o.Y)); d < minSpacing-2 {
					t.Fatalf("finger %d: minutiae %.1f px apart", p, d)
				}
			}
			if m.Type == matcher.TypeEnding {
				endings++
			}
			total++
		}
		imp := f.Impression(1, p, p%10, 0, 1)
		counts += len(imp.Minutiae)
		if err := imp.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	if mean := float64(counts) / 200; mean < 18 || mean > 60 {
		t.Errorf("mean impression minutiae %.1f", mean)
	}
	if r := float64(endings) / float64(total); r < 0.55 || r > 0.75 {
		t.Errorf("ending fraction %.2f", r)
	}
}

// TestDirectionsFollowFlow checks that neighbouring minutiae have nearly parallel
// orientations (mod π), as minutiae on a smooth ridge flow do.
func TestDirectionsFollowFlow(t *testing.T) {
	var near, aligned int
	for p := range 50 {
		f := NewFinger(Options{}, 2, p, 0)
		for i, m := range f.Minutiae {
			for _, o := range f.Minutiae[i+1:] {
				if math.Hypot(float64(m.X-o.X), float64(m.Y-o.Y)) > 25 {
					continue
				}
				near++
				d := math.Mod(math.Abs(m.Angle-o.Angle), math.Pi)
				if min(d, math.Pi-d) < math.Pi/6 {
					aligned++
				}
			}
		}
	}
	if r := float64(aligned) / float64(near); r < 0.7 {
		t.Fatalf("only %.2f of close minutiae are aligned with each other (random: 0.33)", r)
	}
}

func TestMatesScoreAboveImpostors(t *testing.T) {
	var c matcher.Comparator
	var gen, imp []float64
	for p := range 30 {
		a := matcher.Prepare(NewFinger(Options{}, 3, p, 1).Impression(3, p, 1, 0, 2))
		b := matcher.Prepare(NewFinger(Options{}, 3, p, 1).Impression(3, p, 1, 1, 2))
		o := matcher.Prepare(NewFinger(Options{}, 3, p+100, 1).Impression(3, p+100, 1, 1, 2))
		gen = append(gen, c.Compare(a, b))
		imp = append(imp, c.Compare(a, o))
	}
	e := matcher.Evaluate(gen, imp)
	if e.EER > 0.1 {
		t.Fatalf("synthetic mates barely separate from impostors: EER %.3f", e.EER)
	}
}
