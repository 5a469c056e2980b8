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
