package extract

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/enrolld/enrolld/matcher"
)

// ErrImage means the image cannot be processed (size or resolution out of range).
var ErrImage = errors.New("extract: unusable image")

// Options configure extraction. The zero value uses the defaults.
type Options struct {
	// DPI is the image resolution; 0 means 500. Accepted range 350–1000.
	DPI float64
	// Position is the ISO finger position stored in the template (0 unknown).
	Position uint8
	// MaxMinutiae keeps at most this many minutiae, best quality first (0: 120).
	MaxMinutiae int
}

// Result is an extracted template with the image quality measures behind its quality.
type Result struct {
	Template *matcher.Template
	Quality  Quality
}

// Extract finds the minutiae of a fingerprint image and rates its quality.
func Extract(img image.Image, o Options) (*Result, error) {
	dpi := o.DPI
	if dpi == 0 {
		dpi = 500
	}
	if dpi < 350 || dpi > 1000 {
		return nil, fmt.Errorf("%w: resolution %.0f dpi outside 350–1000", ErrImage, dpi)
	}
	b := img.Bounds()
	if b.Dx() < 64 || b.Dy() < 64 || b.Dx() > 4000 || b.Dy() > 4000 {
		return nil, fmt.Errorf("%w: size %dx%d", ErrImage, b.Dx(), b.Dy())
	}
	g := fromImage(img)
	scale := 500 / dpi
	if math.Abs(scale-1) > 0.02 {
		src := g
		g = g.resample(scale)
		src.release()
	} else {
		scale = 1
	}
	st := run(g)
	t := &matcher.Template{
		Width: b.Dx(), Height: b.Dy(),
		ResX: matcher.PPCMFromDPI(dpi), ResY: matcher.PPCMFromDPI(dpi),
		Position: o.Position,
	}
	maxN := o.MaxMinutiae
	if maxN <= 0 {
		maxN = 120
	}
	t.Minutiae = st.minutiae(scale, maxN)
	q := st.quality(t.Minutiae)
	g.release()
	t.Quality = q.Score
	return &Result{Template: t, Quality: q}, nil
}

// state carries the intermediate results of one extraction.
type state struct {
	g     *gray
	f     *field
	dist  []int
	wl    float64
	cands []candidate
}

// borderPx is how far (in pixels at 500 dpi) from the edge of the finger area minutiae
// must lie: ridges cut by the edge make false endings.
const borderPx = 5

// run executes the pipeline on a 500-dpi image.
func run(g *gray) *state {
	f, gxx, gxy, gee := blockSums(g)
	f.orientation(gxx, gxy, gee, 1)
	f.segment(0.12)
	f.smoothOrientation(1.5)
	f.frequency(g)
	st := &state{g: g, f: f, dist: f.borderDistance()}
	var waves []float32
	for b, v := range f.fg {
		if v {
			waves = append(waves, f.wave[b])
		}
	}
	st.wl = 9
	if len(waves) > 0 {
		st.wl = float64(percentile(waves, 0.5))
	}
	fb := newFilterBank(g.w + 2*padMargin)
	ridges := enhance(g, f, fb)
	cleanSpecks(ridges, g.w, g.h, f, int(specksArea*st.wl*st.wl))
	thin(ridges, g.w, g.h)
	sk := &skeleton{m: ridges, w: g.w, h: g.h}
	st.cands = sk.detect(f)
	sk.traceAll(st.cands, int(3*st.wl), int(math.Round(1.2*st.wl)))
	directions(st.cands, f)
	removeFalse(st.cands, st.wl, f, borderPx)
	sk.release()
	return st
}

// minutiae converts the surviving candidates to template minutiae at the source
// resolution, best quality first, at most maxN.
func (st *state) minutiae(scale float64, maxN int) []matcher.Minutia {
	var ms []matcher.Minutia
	for _, c := range st.cands {
		if c.removed {
			continue
		}
		b := (c.y/blockSize)*st.f.bw + c.x/blockSize
		q := minutiaQuality(st.f.coh[b], st.dist[b])
		ms = append(ms, matcher.Minutia{
			X:       int(math.Round(float64(c.x) / scale)),
			Y:       int(math.Round(float64(c.y) / scale)),
			Angle:   normAngle(-c.angle),
			Type:    c.typ,
			Quality: q,
		})
	}
	sortByQuality(ms)
	if len(ms) > maxN {
		ms = ms[:maxN]
	}
	return ms
}

// minutiaQuality rates a minutia from the orientation certainty around it and its
// distance (in blocks) from the edge of the finger.
func minutiaQuality(coh float32, dist int) uint8 {
	q := math.Min(1, float64(coh)/0.7) * math.Min(1, float64(dist)/4)
	return uint8(math.Round(100 * q))
}

func normAngle(a float64) float64 {
	a = math.Mod(a, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a
}
