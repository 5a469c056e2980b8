package emu

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	pigo "github.com/esimov/pigo/core"
)

// facefinder loads pigo's face cascade from the module cache (it ships with pigo's
// source, not its Go package), or skips.
func facefinder(t testing.TB) *pigo.Pigo {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/esimov/pigo").Output()
	if err != nil {
		t.Skipf("cannot locate pigo's module directory: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "cascade", "facefinder"))
	if err != nil {
		t.Skipf("pigo's facefinder cascade not available: %v", err)
	}
	p, err := pigo.NewPigo().Unpack(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// faces runs pigo over a JPEG and returns the confident detections.
func faces(t testing.TB, p *pigo.Pigo, jpg []byte) []pigo.Detection {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	gray := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			gray.Set(x, y, img.At(x, y))
		}
	}
	dets := p.RunCascade(pigo.CascadeParams{
		MinSize: 40, MaxSize: min(b.Dx(), b.Dy()), ShiftFactor: 0.1, ScaleFactor: 1.1,
		ImageParams: pigo.ImageParams{Pixels: gray.Pix, Rows: b.Dy(), Cols: b.Dx(), Dim: gray.Stride},
	}, 0)
	var good []pigo.Detection
	for _, d := range p.ClusterDetections(dets, 0.2) {
		if d.Q > 5 {
			good = append(good, d)
		}
	}
	return good
}

func TestSceneHasAFace(t *testing.T) {
	p := facefinder(t)
	for _, c := range []struct {
		w, h int
		at   []float64
	}{{640, 480, []float64{0, 1.1, 2.7}}, {960, 1280, []float64{0}}} {
		for _, at := range c.at {
			dets := faces(t, p, encode(c.w, c.h, at))
			if len(dets) == 0 {
				t.Errorf("%dx%d at t=%.1f: no face found", c.w, c.h, at)
				continue
			}
			d := dets[0]
			for _, o := range dets[1:] {
				if o.Q > d.Q {
					d = o
				}
			}
			if d.Q < 10 || d.Scale < min(c.w, c.h)/3 {
				t.Errorf("%dx%d: best face %+v is weak or small", c.w, c.h, d)
			}
			if abs(d.Col-c.w/2) > c.w/8 || abs(d.Row-c.h/2) > c.h/8 {
				t.Errorf("%dx%d: face found at %d,%d, far from the centre", c.w, c.h, d.Col, d.Row)
			}
		}
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// BenchmarkEncodeScene is the cost of one new frame: drawing the scene and encoding
// it as JPEG (the emulator pays it at most 240 times per frame size, then caches).
func BenchmarkEncodeScene(b *testing.B) {
	for _, s := range []struct {
		name string
		w, h int
	}{{"640x480", 640, 480}, {"1024x680", 1024, 680}, {"still960x1280", 960, 1280}} {
		b.Run(s.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				encode(s.w, s.h, float64(i)/30)
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
