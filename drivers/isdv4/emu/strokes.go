package emu

import (
	"math"

	"github.com/enrolld/enrolld/drivers/isdv4"
)

// Point is a pen position in millimetres from the sensor's top-left corner.
type Point struct{ X, Y float64 }

// Stroke is one pen-down movement: a polyline the pen tip follows.
type Stroke []Point

// Motion says how the emulated hand moves the pen.
type Motion struct {
	// SampleRate is the packets per second; default 130.
	SampleRate float64
	// Speed is the pen tip's speed along a stroke in mm/s; default 80.
	Speed float64
	// Ramp is the number of samples over which pressure rises after touch-down and falls
	// before lift-off; default 6.
	Ramp int
	// Hover is the number of in-proximity, tip-up samples before and after each stroke;
	// default 3.
	Hover int
}

func (m Motion) withDefaults() Motion {
	if m.SampleRate <= 0 {
		m.SampleRate = 130
	}
	if m.Speed <= 0 {
		m.Speed = 80
	}
	if m.Ramp <= 0 {
		m.Ramp = 6
	}
	if m.Hover <= 0 {
		m.Hover = 3
	}
	return m
}

// Packets turns strokes into the pen packets a sensor with caps would send while a hand
// draws them: hover samples as the pen approaches, a pressure ramp after touch-down,
// pressure that varies along the stroke, a ramp down before lift-off, hover samples as
// the pen leaves, and an out-of-proximity packet at the end. Points outside the sensing
// area are clamped to it.
func Packets(strokes []Stroke, caps isdv4.QueryReply, m Motion) []isdv4.PenPacket {
	m = m.withDefaults()
	var out []isdv4.PenPacket
	for _, s := range strokes {
		path := resample(s, m.Speed/m.SampleRate)
		if len(path) == 0 {
			continue
		}
		hover := func(p Point) {
			for i := 0; i < m.Hover; i++ {
				out = append(out, packet(p, 0, false, caps))
			}
		}
		hover(path[0])
		for i, p := range path {
			out = append(out, packet(p, pressure(i, len(path), m.Ramp, caps.MaxPressure), true, caps))
		}
		hover(path[len(path)-1])
	}
	if len(out) > 0 {
		last := out[len(out)-1]
		last.Proximity = false
		out = append(out, last)
	}
	return out
}

// pressure is the tip pressure at sample i of n: a ramp up, a body between 55 % and
// 85 % of the maximum that swells and eases like a real hand, and a ramp down.
func pressure(i, n, ramp int, max int) int {
	body := 0.7 + 0.15*math.Sin(float64(i)/9)
	f := body
	if up := float64(i+1) / float64(ramp+1); up < 1 {
		f *= up
	}
	if down := float64(n-i) / float64(ramp+1); down < 1 {
		f *= down
	}
	return int(math.Round(f * float64(max)))
}

func packet(p Point, pr int, tip bool, caps isdv4.QueryReply) isdv4.PenPacket {
	x := clamp(int(math.Round(p.X*isdv4.PointsPerMM)), caps.MaxX)
	y := clamp(int(math.Round(p.Y*isdv4.PointsPerMM)), caps.MaxY)
	return isdv4.PenPacket{X: x, Y: y, Pressure: pr, Proximity: true, Tip: tip}
}

func clamp(v, hi int) int {
	return max(0, min(hi, v))
}

// resample walks the polyline and returns points step millimetres apart (the first and
// last points included).
func resample(s Stroke, step float64) []Point {
	if len(s) == 0 {
		return nil
	}
	out := []Point{s[0]}
	since := 0.0 // distance travelled since the last point emitted
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		seg := math.Hypot(b.X-a.X, b.Y-a.Y)
		at := 0.0 // how far along this segment
		for seg-at >= step-since {
			at += step - since
			since = 0
			out = append(out, Point{a.X + at/seg*(b.X-a.X), a.Y + at/seg*(b.Y-a.Y)})
		}
		since += seg - at
	}
	if last := s[len(s)-1]; out[len(out)-1] != last {
		out = append(out, last)
	}
	return out
}

// DemoSignature is a made-up signature: a looped first name, a shorter second word and
// a flourish underneath, about 120 × 35 mm, placed at origin (mm).
func DemoSignature(origin Point) []Stroke {
	loops := func(x0, y0 float64, n int, w, h float64) Stroke {
		var s Stroke
		for t := 0.0; t <= float64(n)*2*math.Pi; t += 0.15 {
			s = append(s, Point{
				X: origin.X + x0 + t*w/(2*math.Pi) + 0.8*w*math.Cos(t+math.Pi),
				Y: origin.Y + y0 + h/2*(1-math.Cos(t)) - 0.15*h*math.Sin(t/float64(n)),
			})
		}
		return s
	}
	first := loops(0, 0, 6, 9, 18)
	second := loops(66, 4, 4, 8, 14)
	var flourish Stroke
	for x := 0.0; x <= 115; x += 2.5 {
		flourish = append(flourish, Point{origin.X + x, origin.Y + 28 + 3*math.Sin(x/14)})
	}
	return []Stroke{first, second, flourish}
}
