package extract

import "testing"

func TestCleanSpecks(t *testing.T) {
	// 24×24 pixels (3×3 blocks, all foreground); '#' ridge, '.' valley
	const w, h = 24, 24
	for _, tc := range []struct {
		name   string
		set    [][2]int // ridge pixels on a valley background
		valley bool     // invert: valley pixels on a ridge background
		keep   bool     // the pixels survive
	}{
		{"ridge speck", [][2]int{{10, 10}, {11, 10}}, false, false},
		{"valley pinhole", [][2]int{{12, 12}}, true, false},
		{"speck at the finger's edge", [][2]int{{0, 5}, {1, 5}}, false, true},
		{"large enough", square(8, 8, 6), false, true},
	} {
		f := &field{bw: 3, bh: 3, fg: make([]bool, 9)}
		for b := range f.fg {
			f.fg[b] = true
		}
		m := make([]uint8, w*h)
		bg, fgv := uint8(0), uint8(1)
		if tc.valley {
			bg, fgv = 1, 0
		}
		for i := range m {
			m[i] = bg
		}
		for _, p := range tc.set {
			m[p[1]*w+p[0]] = fgv
		}
		cleanSpecks(m, w, h, f, 16)
		for _, p := range tc.set {
			if got := m[p[1]*w+p[0]] == fgv; got != tc.keep {
				t.Errorf("%s: pixel %v kept %v, want %v", tc.name, p, got, tc.keep)
			}
		}
	}
}

// square returns the pixels of an n×n square at (x0, y0).
func square(x0, y0, n int) [][2]int {
	var s [][2]int
	for y := y0; y < y0+n; y++ {
		for x := x0; x < x0+n; x++ {
			s = append(s, [2]int{x, y})
		}
	}
	return s
}

// TestCleanSpecksMatchesFloodFill compares the run-based component search with a plain
// flood fill on random maps with random background blocks.
func TestCleanSpecksMatchesFloodFill(t *testing.T) {
	seed := uint32(9)
	rnd := func(m uint32) uint32 { seed = seed*1664525 + 1013904223; return (seed >> 8) % m }
	for trial := range 40 {
		w, h := 9+int(rnd(60)), 9+int(rnd(60))
		f := &field{bw: (w + blockSize - 1) / blockSize, bh: (h + blockSize - 1) / blockSize}
		f.fg = make([]bool, f.bw*f.bh)
		for b := range f.fg {
			f.fg[b] = rnd(5) != 0
		}
		m := make([]uint8, w*h)
		for i := range m {
			m[i] = uint8(rnd(2))
		}
		want := append([]uint8(nil), m...)
		floodSpecks(want, w, h, f, 1+trial%12)
		cleanSpecks(m, w, h, f, 1+trial%12)
		for i := range m {
			if m[i] != want[i] {
				t.Fatalf("trial %d (%d×%d): pixel (%d,%d) is %d, flood fill %d", trial, w, h, i%w, i/w, m[i], want[i])
			}
		}
	}
}

// floodSpecks is cleanSpecks done by a plain flood fill over the pixels.
func floodSpecks(m []uint8, w, h int, f *field, minArea int) {
	const outside = 2
	pw := w + 2
	p := make([]uint8, pw*(h+2))
	for i := range p {
		p[i] = outside
	}
	for y := range h {
		for x := range w {
			if f.fg[(y/blockSize)*f.bw+x/blockSize] {
				p[(y+1)*pw+x+1] = m[y*w+x]
			}
		}
	}
	seen := make([]bool, len(p))
	for s, v := range p {
		if v == outside || seen[s] {
			continue
		}
		seen[s] = true
		stack, comp, touches := []int{s}, []int{}, false
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			comp = append(comp, i)
			for _, j := range [4]int{i - 1, i + 1, i - pw, i + pw} {
				switch {
				case p[j] == outside:
					touches = true
				case p[j] == v && !seen[j]:
					seen[j] = true
					stack = append(stack, j)
				}
			}
		}
		if !touches && len(comp) < minArea {
			for _, i := range comp {
				m[(i/pw-1)*w+i%pw-1] = 1 - v
			}
		}
	}
}
