package matcher

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/compare_golden.txt from the current Compare")

// goldenScores compares a fixed set of synthetic templates: impostor pairs of random
// templates and genuine-like pairs made by rotating, shifting and perturbing a template.
func goldenScores() []float64 {
	r := rand.New(rand.NewPCG(7, 11))
	var ps []*Prepared
	for i := 0; i < 12; i++ {
		base := randomTemplate(r, 25+r.IntN(30))
		ps = append(ps, Prepare(base))
		g := transform(base, r.Float64()*0.8-0.4, r.IntN(60)-30, r.IntN(60)-30)
		for k := range g.Minutiae {
			g.Minutiae[k].X += r.IntN(7) - 3
			g.Minutiae[k].Y += r.IntN(7) - 3
			g.Minutiae[k].Angle = normAngle(g.Minutiae[k].Angle + r.Float64()*0.2 - 0.1)
		}
		g.Minutiae = g.Minutiae[r.IntN(5):]
		ps = append(ps, Prepare(g))
	}
	var c Comparator
	var out []float64
	for i, a := range ps {
		for j, b := range ps {
			if i != j {
				out = append(out, c.Compare(a, b))
			}
		}
	}
	return out
}

// TestCompareGolden pins the exact scores: speed work on Compare must not move them.
func TestCompareGolden(t *testing.T) {
	path := filepath.Join("testdata", "compare_golden.txt")
	got := goldenScores()
	if *updateGolden {
		var sb strings.Builder
		for _, s := range got {
			fmt.Fprintf(&sb, "%016x\n", math.Float64bits(s))
		}
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		u, err := strconv.ParseUint(sc.Text(), 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, math.Float64frombits(u))
	}
	if len(want) != len(got) {
		t.Fatalf("%d golden scores, computed %d", len(want), len(got))
	}
	nonzero := 0
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("score %d = %v, golden %v", i, got[i], want[i])
		}
		if got[i] > 0.1 {
			nonzero++
		}
	}
	if nonzero < 10 {
		t.Errorf("only %d golden scores above 0.1: the set exercises too little", nonzero)
	}
}
