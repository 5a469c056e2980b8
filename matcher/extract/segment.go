package extract

import "math"

// segment decides which blocks show the finger: blocks with enough gradient energy (ridges)
// relative to the strongest part of the image, cleaned by morphology, holes filled, and
// only the largest connected region kept.
func (f *field) segment(energyFrac float32) {
	n := f.bw * f.bh
	sm := f.blur(f.energy, []float32{1, 1, 1})
	for i := range sm {
		sm[i] /= 9
	}
	t := energyFrac * percentile(sm, 0.95)
	f.fg = make([]bool, n)
	for b := range sm {
		f.fg[b] = sm[b] > t && f.coh[b] > 0.2
	}
	f.fg = f.morph(f.fg, 1, true)  // close: dilate
	f.fg = f.morph(f.fg, 2, false) // then erode (net opening of small specks)
	f.fg = f.morph(f.fg, 1, true)
	f.fillHoles()
	f.keepLargest()
}

// morph dilates (grow=true) or erodes a block mask with a square of radius r.
func (f *field) morph(m []bool, r int, grow bool) []bool {
	out := make([]bool, len(m))
	for y := 0; y < f.bh; y++ {
		for x := 0; x < f.bw; x++ {
			v := !grow
			for dy := -r; dy <= r && v != grow; dy++ {
				for dx := -r; dx <= r; dx++ {
					xx, yy := x+dx, y+dy
					in := xx >= 0 && yy >= 0 && xx < f.bw && yy < f.bh && m[yy*f.bw+xx]
					if in == grow {
						v = grow
						break
					}
				}
			}
			out[y*f.bw+x] = v
		}
	}
	return out
}

// fillHoles marks as foreground every background region that does not touch the border.
func (f *field) fillHoles() {
	outside := make([]bool, len(f.fg))
	var stack []int
	push := func(x, y int) {
		b := y*f.bw + x
		if !f.fg[b] && !outside[b] {
			outside[b] = true
			stack = append(stack, b)
		}
	}
	for x := 0; x < f.bw; x++ {
		push(x, 0)
		push(x, f.bh-1)
	}
	for y := 0; y < f.bh; y++ {
		push(0, y)
		push(f.bw-1, y)
	}
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := b%f.bw, b/f.bw
		if x > 0 {
			push(x-1, y)
		}
		if x < f.bw-1 {
			push(x+1, y)
		}
		if y > 0 {
			push(x, y-1)
		}
		if y < f.bh-1 {
			push(x, y+1)
		}
	}
	for b := range f.fg {
		f.fg[b] = !outside[b]
	}
}

// keepLargest keeps only the largest 4-connected foreground region.
func (f *field) keepLargest() {
	label := make([]int32, len(f.fg))
	best, bestSize := int32(0), 0
	var next int32
	var stack []int
	for s := range f.fg {
		if !f.fg[s] || label[s] != 0 {
			continue
		}
		next++
		label[s] = next
		stack = append(stack[:0], s)
		size := 0
		for len(stack) > 0 {
			b := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			x, y := b%f.bw, b/f.bw
			for _, nb := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if nb[0] < 0 || nb[1] < 0 || nb[0] >= f.bw || nb[1] >= f.bh {
					continue
				}
				c := nb[1]*f.bw + nb[0]
				if f.fg[c] && label[c] == 0 {
					label[c] = next
					stack = append(stack, c)
				}
			}
		}
		if size > bestSize {
			best, bestSize = next, size
		}
	}
	for b := range f.fg {
		f.fg[b] = label[b] == best && best != 0
	}
}

// borderDistance returns, per block, the chessboard distance in blocks to the nearest
// background block or image edge (0 for background).
func (f *field) borderDistance() []int {
	d := make([]int, len(f.fg))
	const inf = 1 << 20
	for b, v := range f.fg {
		if v {
			d[b] = inf
		}
	}
	get := func(x, y int) int {
		if x < 0 || y < 0 || x >= f.bw || y >= f.bh {
			return 0
		}
		return d[y*f.bw+x]
	}
	for y := 0; y < f.bh; y++ {
		for x := 0; x < f.bw; x++ {
			b := y*f.bw + x
			if d[b] > 0 {
				d[b] = min(d[b], get(x-1, y)+1, get(x, y-1)+1, get(x-1, y-1)+1, get(x+1, y-1)+1)
			}
		}
	}
	for y := f.bh - 1; y >= 0; y-- {
		for x := f.bw - 1; x >= 0; x-- {
			b := y*f.bw + x
			if d[b] > 0 {
				d[b] = min(d[b], get(x+1, y)+1, get(x, y+1)+1, get(x+1, y+1)+1, get(x-1, y+1)+1)
			}
		}
	}
	return d
}

// edgeDistance returns the distance in pixels from (x, y) to the nearest background block
// or the image edge, capped at limit.
func (f *field) edgeDistance(x, y int, limit float64) float64 {
	d := limit
	px, py := float64(x)+0.5, float64(y)+0.5
	d = min(d, px, py, float64(f.bw*blockSize)-px, float64(f.bh*blockSize)-py)
	r := int(limit)/blockSize + 1
	bx, by := x/blockSize, y/blockSize
	for yy := max(by-r, 0); yy <= min(by+r, f.bh-1); yy++ {
		for xx := max(bx-r, 0); xx <= min(bx+r, f.bw-1); xx++ {
			if f.fg[yy*f.bw+xx] {
				continue
			}
			x0, y0 := float64(xx*blockSize), float64(yy*blockSize)
			dx := max(x0-px, 0, px-(x0+blockSize))
			dy := max(y0-py, 0, py-(y0+blockSize))
			d = min(d, math.Hypot(dx, dy))
		}
	}
	return d
}
