package extract_test

import (
	"reflect"
	"sync"
	"testing"

	"github.com/enrolld/enrolld/matcher/extract"
)

// TestExtractConcurrent runs extractions of images of different sizes at once: the
// pooled buffers and shared filter banks must not leak between them.
func TestExtractConcurrent(t *testing.T) {
	imgs := []struct {
		w, h int
		dpi  float64
	}{{320, 360, 500}, {300, 300, 500}, {360, 400, 569}}
	want := make([]*extract.Result, len(imgs))
	for i, c := range imgs {
		r, err := extract.Extract(synthetic(c.w, c.h), extract.Options{DPI: c.dpi})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r
	}
	var wg sync.WaitGroup
	errs := make(chan string, 24)
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 {
				i := (g + k) % len(imgs)
				c := imgs[i]
				r, err := extract.Extract(synthetic(c.w, c.h), extract.Options{DPI: c.dpi})
				if err != nil || !reflect.DeepEqual(r, want[i]) {
					errs <- "concurrent extraction differs from the sequential one"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
