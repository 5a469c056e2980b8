package extract

import (
	"encoding/binary"
	"math/bits"
)

// Skeletons: the binary ridge map is thinned to one-pixel-wide lines (Zhang–Suen), then
// staircase corners are removed so every line pixel has exactly two neighbours, which
// makes the crossing number exact.

// ring lists the 8 neighbours in circular order N, NE, E, SE, S, SW, W, NW as (dx, dy).
var ring = [8][2]int{{0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}}

// thinTables are the per-neighbourhood decisions, indexed by the 8 ring bits.
type thinTables struct {
	zs1, zs2 [256]bool // deletable in Zhang–Suen sub-iteration 1 / 2
	simple   [256]bool // removable staircase pixel: one 8-connected neighbour group, ≥ 2 neighbours
	cn       [256]uint8
}

var thinLUT = newThinTables()

func newThinTables() *thinTables {
	t := &thinTables{}
	for m := range 256 {
		p := func(i int) bool { return m>>(i%8)&1 == 1 }
		b, a := 0, 0
		for i := range 8 {
			if p(i) {
				b++
			}
			if !p(i) && p(i+1) {
				a++
			}
		}
		t.cn[m] = uint8(a)
		n, e, s, w := p(0), p(2), p(4), p(6)
		if b >= 2 && b <= 6 && a == 1 {
			t.zs1[m] = !(n && e && s) && !(e && s && w)
			t.zs2[m] = !(n && e && w) && !(n && s && w)
		}
		t.simple[m] = b >= 2 && ringComponents(m) == 1
	}
	return t
}

// ringComponents counts the 8-connected groups among the set neighbours of a pixel.
func ringComponents(m int) int {
	seen := 0
	groups := 0
	for i := range 8 {
		if m>>i&1 == 0 || seen>>i&1 == 1 {
			continue
		}
		groups++
		stack := []int{i}
		seen |= 1 << i
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for j := range 8 {
				dx, dy := ring[c][0]-ring[j][0], ring[c][1]-ring[j][1]
				if m>>j&1 == 1 && seen>>j&1 == 0 && dx >= -1 && dx <= 1 && dy >= -1 && dy <= 1 {
					seen |= 1 << j
					stack = append(stack, j)
				}
			}
		}
	}
	return groups
}

// neighbours returns the ring bits of pixel i in a w-wide map with a zero border.
func neighbours(m []uint8, i, w int) int {
	return int(m[i-w]) | int(m[i-w+1])<<1 | int(m[i+1])<<2 | int(m[i+w+1])<<3 |
		int(m[i+w])<<4 | int(m[i+w-1])<<5 | int(m[i-1])<<6 | int(m[i-w-1])<<7
}

// ridgePixels lists the indices of the pixels set in a 0/1 map, in increasing order,
// in a pooled slice. It reads the map eight pixels at a time.
func ridgePixels(m []uint8) []int32 {
	n, tail := 0, len(m)&^7
	for i := 0; i < tail; i += 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(m[i:]))
	}
	for _, v := range m[tail:] {
		n += int(v)
	}
	live := getBuf[int32](&int32Bufs, n, false)[:0]
	for i := 0; i < tail; i += 8 {
		for word := binary.LittleEndian.Uint64(m[i:]); word != 0; word &= word - 1 {
			live = append(live, int32(i+bits.TrailingZeros64(word)/8))
		}
	}
	for i, v := range m[tail:] {
		if v == 1 {
			live = append(live, int32(tail+i))
		}
	}
	return live
}

// thin thins a binary map in place. The outermost pixel frame is cleared first.
func thin(m []uint8, w, h int) {
	for x := 0; x < w; x++ {
		m[x], m[(h-1)*w+x] = 0, 0
	}
	for y := 0; y < h; y++ {
		m[y*w], m[y*w+w-1] = 0, 0
	}
	live := ridgePixels(m)
	n := len(live)
	defer func() { putBuf(&int32Bufs, live) }()
	del := getBuf[int32](&int32Bufs, n+1, false)
	defer func() { putBuf(&int32Bufs, del) }()
	for changed := true; changed; {
		changed = false
		for pass := 0; pass < 2; pass++ {
			lut := &thinLUT.zs1
			if pass == 1 {
				lut = &thinLUT.zs2
			}
			nd := 0
			keep := live[:0]
			for _, i := range live {
				if m[i] == 0 {
					continue
				}
				keep = append(keep, i)
				// listed without a branch: which pixels are deletable is irregular
				del[nd] = i
				nd += b2i(lut[neighbours(m, int(i), w)])
			}
			live = keep
			for _, i := range del[:nd] {
				m[i] = 0
			}
			changed = changed || nd > 0
		}
	}
	for _, i := range live {
		if m[i] == 1 && thinLUT.simple[neighbours(m, int(i), w)] {
			m[i] = 0
		}
	}
}
