package matcher_test

import (
	"fmt"
	"image"
	_ "image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// fvcDBs are the FVC2002 set-B databases with their resolutions.
var fvcDBs = []struct {
	name string
	dpi  float64
}{{"DB1_B", 500}, {"DB2_B", 569}, {"DB3_B", 500}, {"DB4_B", 500}}

// fvcPrepared holds the prepared templates of one database, by finger.
type fvcPrepared struct {
	once    sync.Once
	fingers map[int][]*matcher.Prepared
	err     error
}

var fvcCache [4]fvcPrepared

var fvcImageName = regexp.MustCompile(`^(\d+)_(\d+)\.png$`)

// loadFVCPrepared extracts and prepares every image of database db (skipping the
// benchmark when ../shared is absent).
func loadFVCPrepared(b *testing.B, db int) map[int][]*matcher.Prepared {
	c := &fvcCache[db]
	c.once.Do(func() {
		dir := filepath.Join("..", "..", "shared", "data", "fvc2002", fvcDBs[db].name)
		ents, err := os.ReadDir(dir)
		if err != nil {
			c.err = err
			return
		}
		c.fingers = map[int][]*matcher.Prepared{}
		for _, e := range ents {
			m := fvcImageName.FindStringSubmatch(e.Name())
			if m == nil {
				continue
			}
			f, err := os.Open(filepath.Join(dir, e.Name()))
			if err != nil {
				c.err = err
				return
			}
			img, _, err := image.Decode(f)
			f.Close()
			if err != nil {
				c.err = fmt.Errorf("%s: %w", e.Name(), err)
				return
			}
			res, err := extract.Extract(img, extract.Options{DPI: fvcDBs[db].dpi})
			if err != nil {
				c.err = fmt.Errorf("%s: %w", e.Name(), err)
				return
			}
			finger, _ := strconv.Atoi(m[1])
			c.fingers[finger] = append(c.fingers[finger], matcher.Prepare(res.Template))
		}
	})
	if c.err != nil || len(c.fingers) == 0 {
		b.Skipf("FVC2002 %s not available (../shared/data absent?): %v", fvcDBs[db].name, c.err)
	}
	return c.fingers
}

// BenchmarkCompareFVC times impostor comparisons (every pair of impressions of different
// fingers, as in eval compare) on each FVC2002 set-B database. Run it with -cpu 1.
func BenchmarkCompareFVC(b *testing.B) {
	for db := range fvcDBs {
		b.Run(fvcDBs[db].name, func(b *testing.B) {
			fingers := loadFVCPrepared(b, db)
			var all []struct {
				finger int
				p      *matcher.Prepared
			}
			for f := range 1000 {
				for _, p := range fingers[f] {
					all = append(all, struct {
						finger int
						p      *matcher.Prepared
					}{f, p})
				}
			}
			type pair struct{ a, b *matcher.Prepared }
			var pairs []pair
			for i := range all {
				for j := i + 1; j < len(all); j++ {
					if all[i].finger != all[j].finger {
						pairs = append(pairs, pair{all[i].p, all[j].p})
					}
				}
			}
			var c matcher.Comparator
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				p := pairs[i%len(pairs)]
				c.Compare(p.a, p.b)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
		})
	}
}

// BenchmarkCompareSynthetic times comparisons of unrelated synthetic templates of 40
// minutiae (impostor-like); it needs no test data.
func BenchmarkCompareSynthetic(b *testing.B) {
	r := rand.New(rand.NewPCG(21, 22))
	var ps []*matcher.Prepared
	for range 20 {
		ps = append(ps, matcher.Prepare(matcher.RandomTemplate(r, 40)))
	}
	var c matcher.Comparator
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Compare(ps[i%len(ps)], ps[(i/len(ps)+1+i)%len(ps)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
}
