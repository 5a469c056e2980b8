package extract_test

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// fvcDir is the FVC2002 data of the shared test data, relative to this package.
const fvcDir = "../../../shared/data/fvc2002"

// loadFVC decodes impressions 1..imps of fingers 101..100+fingers of a database, or skips.
func loadFVC(tb testing.TB, db string, fingers, imps int) (imgs []image.Image, ids [][2]int) {
	tb.Helper()
	dir := filepath.Join(fvcDir, db)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("FVC2002 data not available at %s: %v", dir, err)
	}
	for f := 101; f < 101+fingers; f++ {
		for i := 1; i <= imps; i++ {
			fh, err := os.Open(filepath.Join(dir, fmt.Sprintf("%d_%d.png", f, i)))
			if err != nil {
				tb.Fatal(err)
			}
			img, err := png.Decode(fh)
			fh.Close()
			if err != nil {
				tb.Fatal(err)
			}
			imgs = append(imgs, img)
			ids = append(ids, [2]int{f, i})
		}
	}
	return imgs, ids
}

// cpuTimer reports the thread CPU time per operation as the metric "cpu-ns/op".
type cpuTimer struct{ start time.Duration }

func startCPU(b *testing.B) *cpuTimer {
	runtime.LockOSThread()
	b.ResetTimer()
	return &cpuTimer{threadCPU()}
}

func (c *cpuTimer) stop(b *testing.B) {
	b.StopTimer()
	if d := threadCPU() - c.start; d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	runtime.UnlockOSThread()
}

func prepareAll(tb testing.TB, imgs []image.Image, dpi float64) []*matcher.Prepared {
	tb.Helper()
	var ps []*matcher.Prepared
	for _, img := range imgs {
		r, err := extract.Extract(img, extract.Options{DPI: dpi})
		if err != nil {
			tb.Fatal(err)
		}
		ps = append(ps, matcher.Prepare(r.Template))
	}
	return ps
}

func BenchmarkExtract(b *testing.B) {
	imgs, _ := loadFVC(b, "DB1_B", 2, 4)
	t := startCPU(b)
	for i := 0; i < b.N; i++ {
		if _, err := extract.Extract(imgs[i%len(imgs)], extract.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	t.stop(b)
}

// BenchmarkCompareImpostor compares impressions of different fingers (the common case
// of a 1:N search).
func BenchmarkCompareImpostor(b *testing.B) {
	imgs, _ := loadFVC(b, "DB1_B", 10, 1)
	ps := prepareAll(b, imgs, 500)
	var c matcher.Comparator
	t := startCPU(b)
	for i := 0; i < b.N; i++ {
		c.Compare(ps[i%10], ps[(i/10+i+1)%10])
	}
	t.stop(b)
}

func BenchmarkPrepare(b *testing.B) {
	imgs, _ := loadFVC(b, "DB1_B", 4, 1)
	var ts []*matcher.Template
	for _, img := range imgs {
		r, _ := extract.Extract(img, extract.Options{})
		ts = append(ts, r.Template)
	}
	t := startCPU(b)
	for i := 0; i < b.N; i++ {
		matcher.Prepare(ts[i%len(ts)])
	}
	t.stop(b)
}
