package extract

import (
	"encoding/binary"
	"math"

	"github.com/enrolld/enrolld/matcher"
)

// candidate is a minutia found on the skeleton, in 500-dpi pixel coordinates.
type candidate struct {
	x, y    int
	typ     matcher.MinutiaType
	angle   float64 // image coordinates (y down), radians
	branch  [3]branch
	nb      int
	removed bool
}

// branch is the result of following the skeleton from a minutia.
type branch struct {
	ex, ey int // point reached after dirSteps steps (or the end)
	length int // steps walked
	hit    int // index of the candidate reached, or -1
}

// skeleton wraps the thinned map for tracing.
type skeleton struct {
	m      []uint8
	w, h   int
	owner  []int32 // candidate index + 1 at minutia pixels
	stamp  []int32
	stampN int32
}

// detect finds ridge endings (one neighbour) and bifurcations (crossing number 3) on
// foreground blocks away from the image edge.
func (s *skeleton) detect(f *field) []candidate {
	var cs []candidate
	for y := 2; y < s.h-2; y++ {
		row := s.m[y*s.w : (y+1)*s.w]
		for x := 2; x < s.w-2; x++ {
			if x+8 <= s.w-2 && binary.LittleEndian.Uint64(row[x:]) == 0 {
				x += 7 // the skeleton is sparse: skip eight empty pixels at once
				continue
			}
			i := y*s.w + x
			if s.m[i] == 0 || !f.fg[(y/blockSize)*f.bw+x/blockSize] {
				continue
			}
			nb := neighbours(s.m, i, s.w)
			cn := thinLUT.cn[nb]
			switch {
			case cn == 1 && popcount8(nb) == 1:
				cs = append(cs, candidate{x: x, y: y, typ: matcher.TypeEnding})
			case cn >= 3:
				if near := nearBifurcation(cs, x, y); near {
					continue
				}
				cs = append(cs, candidate{x: x, y: y, typ: matcher.TypeBifurcation})
			}
		}
	}
	s.owner = getBuf[int32](&int32Bufs, len(s.m), true)
	for k, c := range cs {
		s.owner[c.y*s.w+c.x] = int32(k + 1)
	}
	return cs
}

// release hands the skeleton's buffers (the map included) back for reuse.
func (s *skeleton) release() {
	putBuf(&uint8Bufs, s.m)
	putBuf(&int32Bufs, s.owner)
	putBuf(&int32Bufs, s.stamp)
	*s = skeleton{}
}

// nearBifurcation reports whether a bifurcation was already found within 2 px (junctions
// can span a few pixels).
func nearBifurcation(cs []candidate, x, y int) bool {
	for k := len(cs) - 1; k >= 0; k-- {
		c := cs[k]
		if y-c.y > 2 {
			break
		}
		if c.typ == matcher.TypeBifurcation && abs(c.x-x) <= 2 && abs(c.y-y) <= 2 {
			return true
		}
	}
	return false
}

func popcount8(m int) int {
	n := 0
	for ; m != 0; m &= m - 1 {
		n++
	}
	return n
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// traceAll follows every branch of every candidate for up to maxLen steps.
func (s *skeleton) traceAll(cs []candidate, maxLen, dirSteps int) {
	s.stamp = getBuf[int32](&int32Bufs, len(s.m), true)
	for k := range cs {
		c := &cs[k]
		i := c.y*s.w + c.x
		s.stampN++
		s.stamp[i] = s.stampN
		var starts []int
		var set [8]bool
		for r, d := range ring {
			j := i + d[1]*s.w + d[0]
			if s.m[j] == 1 {
				s.stamp[j] = s.stampN
				set[r] = true
			}
		}
		for r, d := range ring {
			// one start per run of neighbours (the runs the crossing number counts): a
			// neighbour right after another in ring order belongs to the same branch
			if set[r] && !(c.typ == matcher.TypeBifurcation && set[(r+7)%8]) {
				starts = append(starts, i+d[1]*s.w+d[0])
			}
		}
		c.nb = 0
		for _, j := range starts {
			if c.nb == 3 {
				break
			}
			c.branch[c.nb] = s.trace(j, k, maxLen, dirSteps)
			c.nb++
		}
	}
}

// trace walks from pixel i until an end, a junction, another candidate or maxLen.
func (s *skeleton) trace(i, self, maxLen, dirSteps int) branch {
	b := branch{hit: -1}
	b.ex, b.ey = i%s.w, i/s.w
	for b.length = 1; b.length < maxLen; b.length++ {
		if o := s.owner[i]; o != 0 && int(o-1) != self {
			b.hit = int(o - 1)
			break
		}
		s.stamp[i] = s.stampN
		next, count := -1, 0
		for _, d := range ring {
			j := i + d[1]*s.w + d[0]
			if s.m[j] == 1 && s.stamp[j] != s.stampN {
				if o := s.owner[j]; o != 0 && int(o-1) != self {
					next, count = j, 1 // prefer stepping onto a minutia
					break
				}
				next = j
				count++
			}
		}
		if count != 1 {
			break
		}
		i = next
		if b.length < dirSteps {
			b.ex, b.ey = i%s.w, i/s.w
		}
	}
	return b
}

// directions sets each candidate's angle: the ridge orientation of the field at the
// minutia, pointed the way the traced skeleton says (out of an ending, out along the
// stem of a bifurcation).
func directions(cs []candidate, f *field) {
	for k := range cs {
		c := &cs[k]
		var vx, vy float64
		switch {
		case c.typ == matcher.TypeEnding && c.nb >= 1:
			vx, vy = float64(c.x-c.branch[0].ex), float64(c.y-c.branch[0].ey)
		case c.typ == matcher.TypeBifurcation && c.nb == 3:
			st := stem(c)
			vx, vy = float64(c.branch[st].ex-c.x), float64(c.branch[st].ey-c.y)
		default:
			c.removed = true
			continue
		}
		traced := math.Atan2(vy, vx)
		th := f.angleAt(c.x, c.y)
		if math.Cos(th-traced) < 0 {
			th += math.Pi
		}
		c.angle = th
	}
}

// stem returns the branch of a bifurcation that points away from the other two.
func stem(c *candidate) int {
	var a [3]float64
	for i := range 3 {
		a[i] = math.Atan2(float64(c.branch[i].ey-c.y), float64(c.branch[i].ex-c.x))
	}
	best, bestD := 0, math.Inf(1)
	for i := range 3 {
		j, k := (i+1)%3, (i+2)%3
		d := math.Abs(math.Remainder(a[j]-a[k], 2*math.Pi))
		if d < bestD {
			best, bestD = i, d
		}
	}
	return best
}
