//go:build linux

package extract

import (
	"image/png"
	"math"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// loadStageImage decodes one FVC2002 DB1 image for the stage benchmarks, or skips.
func loadStageImage(b *testing.B) *gray {
	fh, err := os.Open("../../../shared/data/fvc2002/DB1_B/101_1.png")
	if err != nil {
		b.Skipf("FVC2002 data not available: %v", err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		b.Fatal(err)
	}
	return fromImage(img)
}

// stageCPU is the CPU time of the calling thread (the machine may be busy with other work).
func stageCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timeStage runs fn b.N times and reports its thread CPU time as "cpu-ns/op".
func timeStage(b *testing.B, fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	t0 := stageCPU()
	for range b.N {
		fn()
	}
	b.StopTimer()
	b.ReportMetric(float64((stageCPU()-t0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkStages times the stages of the pipeline one by one on one FVC2002 DB1
// image, to see where extraction spends its time.
func BenchmarkStages(b *testing.B) {
	g := loadStageImage(b)
	f, gxx, gxy, gee := blockSums(g)
	f.orientation(gxx, gxy, gee, 1)
	f.segment(0.12)
	f.smoothOrientation(1.5)
	f.frequency(g)
	fb := newFilterBank(g.w + 2*padMargin)
	ridges := enhance(g, f, fb)
	thinned := append([]uint8(nil), ridges...)
	thin(thinned, g.w, g.h)
	st := run(g)
	ms := st.minutiae(1, 120)

	b.Run("field", func(b *testing.B) {
		timeStage(b, func() {
			f, gxx, gxy, gee := blockSums(g)
			f.orientation(gxx, gxy, gee, 1)
			f.segment(0.12)
			f.smoothOrientation(1.5)
		})
	})
	b.Run("frequency", func(b *testing.B) {
		timeStage(b, func() {
			f.frequency(g)
		})
	})
	b.Run("filterBank", func(b *testing.B) {
		timeStage(b, func() {
			newFilterBank(g.w + 2*padMargin)
		})
	})
	b.Run("pixelField", func(b *testing.B) {
		timeStage(b, func() {
			pixelField(g, f)
		})
	})
	b.Run("enhance", func(b *testing.B) {
		timeStage(b, func() {
			enhance(g, f, fb)
		})
	})
	b.Run("cleanSpecks", func(b *testing.B) {
		m := make([]uint8, len(ridges))
		timeStage(b, func() {
			copy(m, ridges)
			cleanSpecks(m, g.w, g.h, f, int(specksArea*st.wl*st.wl))
		})
	})
	b.Run("thin", func(b *testing.B) {
		m := make([]uint8, len(ridges))
		timeStage(b, func() {
			copy(m, ridges)
			thin(m, g.w, g.h)
		})
	})
	b.Run("minutiae", func(b *testing.B) {
		m := make([]uint8, len(thinned))
		timeStage(b, func() {
			copy(m, thinned)
			sk := &skeleton{m: m, w: g.w, h: g.h}
			cs := sk.detect(f)
			sk.traceAll(cs, int(3*st.wl), int(math.Round(1.2*st.wl)))
			directions(cs, f)
			removeFalse(cs, st.wl, f, borderPx)
		})
	})
	b.Run("quality", func(b *testing.B) {
		timeStage(b, func() {
			st.quality(ms)
		})
	})
	b.Run("all", func(b *testing.B) {
		timeStage(b, func() {
			st := run(g)
			st.quality(st.minutiae(1, 120))
		})
	})
}
