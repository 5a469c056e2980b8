package extract

import (
	"testing"

	"github.com/enrolld/enrolld/matcher"
)

// TestBifurcationBranches traces skeleton forks whose branches leave the junction through
// neighbours that touch each other diagonally (N and E with NE empty): they are separate
// branches (the crossing number counts them apart), so every fork gets three.
func TestBifurcationBranches(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows []string // '#' skeleton; the fork is at the centre (10, 10)
	}{
		{"branches N, E and SW", fork([][2]int{{0, -1}, {1, 0}, {-1, 1}})},
		{"branches N, SE and W", fork([][2]int{{0, -1}, {1, 1}, {-1, 0}})},
		{"branches NE, S and NW", fork([][2]int{{1, -1}, {0, 1}, {-1, -1}})},
	} {
		const w, h = 21, 21
		m := make([]uint8, w*h)
		for y, r := range tc.rows {
			for x, ch := range r {
				if ch == '#' {
					m[y*w+x] = 1
				}
			}
		}
		f := &field{bw: 3, bh: 3, fg: make([]bool, 9)}
		for b := range f.fg {
			f.fg[b] = true
		}
		sk := &skeleton{m: m, w: w, h: h}
		cs := sk.detect(f)
		sk.traceAll(cs, 20, 6)
		found := false
		for _, c := range cs {
			if c.typ == matcher.TypeBifurcation && c.x == 10 && c.y == 10 {
				found = true
				if c.nb != 3 {
					t.Errorf("%s: fork traced with %d branches, want 3", tc.name, c.nb)
				}
				for _, b := range c.branch[:c.nb] {
					if b.length < 5 {
						t.Errorf("%s: branch of length %d, want the whole arm", tc.name, b.length)
					}
				}
			}
		}
		if !found {
			t.Errorf("%s: no bifurcation detected at the fork", tc.name)
		}
	}
}

// fork draws three straight arms of 8 pixels from (10, 10) along the given unit steps.
func fork(dirs [][2]int) []string {
	g := make([][]byte, 21)
	for y := range g {
		g[y] = []byte(".....................")
	}
	g[10][10] = '#'
	for _, d := range dirs {
		for k := 1; k <= 8; k++ {
			g[10+k*d[1]][10+k*d[0]] = '#'
		}
	}
	rows := make([]string, len(g))
	for y := range g {
		rows[y] = string(g[y])
	}
	return rows
}
