package signature

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/devmetrics"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// line makes a pen-down stroke from (x0,y) to (x1,y) mm at 130 samples/s, 1 mm apart,
// starting at ms after t0, with constant pressure p of 1023, and a lift sample after.
func line(x0, x1, y float64, p int, ms int) []capture.PenSample {
	var out []capture.PenSample
	at := t0.Add(time.Duration(ms) * time.Millisecond)
	for x := x0; x <= x1+1e-9; x++ {
		out = append(out, capture.PenSample{XMM: x, YMM: y, Pressure: p, MaxPressure: 1023, Tip: true, Proximity: true, Time: at})
		at = at.Add(time.Second / 130)
	}
	return append(out, capture.PenSample{XMM: x1, YMM: y, Proximity: true, Time: at})
}

func sig(strokes ...[]capture.PenSample) *Signature {
	s := &Signature{}
	for _, k := range strokes {
		s.Samples = append(s.Samples, k...)
	}
	return s
}

func TestStatsAndCheck(t *testing.T) {
	good := sig(line(0, 40, 10, 600, 0), line(0, 30, 20, 600, 600))
	st := good.Stats()
	if st.Strokes != 2 || st.InkMM != 70 || st.WidthMM != 40 || st.HeightMM != 10 {
		t.Errorf("stats %+v", st)
	}
	cases := []struct {
		name string
		s    *Signature
		want Reason
	}{
		{"usable", good, ""},
		{"empty", sig(), TooFewStrokes},
		{"one stroke", sig(line(0, 80, 10, 600, 0)), TooFewStrokes},
		{"two dots", sig(line(0, 3, 10, 600, 0), line(5, 8, 10, 600, 900)), TooLittleInk},
		{"dashed off", sig(line(0, 30, 10, 600, 0), line(0, 30, 20, 600, 10)), TooShort},
	}
	for _, c := range cases {
		err := c.s.Check(nil)
		var ue *UnusableError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (!errors.As(err, &ue) || ue.Reason != c.want || !errors.Is(err, ErrUnusable)):
			t.Errorf("%s: err %v, want reason %q", c.name, err, c.want)
		}
	}
	if err := sig(line(0, 80, 10, 600, 0)).Check(&Criteria{MinStrokes: 1}); err != nil {
		t.Errorf("one long stroke with MinStrokes 1: %v", err)
	}
}

func TestRender(t *testing.T) {
	s := sig(line(10, 60, 10, 1023, 0), line(10, 60, 30, 100, 500))
	g, err := s.Render(&RenderOptions{DPI: 254}) // 10 px per mm
	if err != nil {
		t.Fatal(err)
	}
	// 50 x 20 mm of ink plus 2 mm margin and half the heaviest line each side.
	if g.Width != 549 || g.Height != 249 || g.DPI != 254 || len(g.Pix) != g.Width*g.Height {
		t.Fatalf("image %dx%d at %v dpi", g.Width, g.Height, g.DPI)
	}
	thickness := func(col int, yFrom, yTo int) int {
		n := 0
		for y := yFrom; y < yTo; y++ {
			if g.Pix[y*g.Width+col] < 128 {
				n++
			}
		}
		return n
	}
	heavy, light := thickness(g.Width/2, 0, g.Height/2), thickness(g.Width/2, g.Height/2, g.Height)
	if heavy < 8 || heavy > 10 || light < 2 || light > 5 {
		t.Errorf("line thickness heavy %d px, light %d px; want about 9 and 3", heavy, light)
	}
	for x := 0; x < g.Width; x++ { // margins are white
		if g.Pix[x] != 255 || g.Pix[(g.Height-1)*g.Width+x] != 255 {
			t.Fatalf("ink in the top or bottom margin at x=%d", x)
		}
	}
	if _, err := sig().Render(nil); !errors.Is(err, ErrNoInk) {
		t.Errorf("empty render: %v", err)
	}
	huge := sig(line(0, 1, 0, 1, 0), []capture.PenSample{{XMM: 1e6, YMM: 1e6, Tip: true}})
	if _, err := huge.Render(nil); err == nil {
		t.Error("a kilometre-wide signature rendered")
	}
	if img := Image(g); img.Bounds().Dx() != g.Width || img.GrayAt(0, 0).Y != 255 {
		t.Error("Image wraps the pixels wrongly")
	}
}

// pad is a fake signature pad that replays samples, then waits for ctx.
type pad struct {
	samples []capture.PenSample
	err     error
}

func (p *pad) Info() capture.Info { return capture.Info{Kind: capture.KindSignature, Model: "fake"} }
func (p *pad) String() string     { return "fake pad" }
func (p *pad) Halt() error        { return nil }
func (p *pad) Stream(ctx context.Context, out chan<- capture.PenSample) error {
	for _, s := range p.samples {
		out <- s
	}
	if p.err != nil {
		return p.err
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestCollect(t *testing.T) {
	want := sig(line(0, 40, 10, 600, 0), line(0, 30, 20, 600, 600)).Samples
	var steps []string
	got, err := Collect(context.Background(), &pad{samples: want}, &CollectOptions{Idle: 100 * time.Millisecond, Progress: func(s string) { steps = append(steps, s) }})
	if err != nil || len(got.Samples) != len(want) || got.Device != "fake" {
		t.Fatalf("Collect: %d samples, %v", len(got.Samples), err)
	}
	if len(steps) != 4 || steps[2] != "stroke 2" {
		t.Errorf("progress %q", steps)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Collect(ctx, &pad{}, nil); !errors.Is(err, ErrNothingSigned) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("nothing signed: %v", err)
	}
	unplugged := &pad{samples: want[:5], err: capture.ErrUnplugged}
	if _, err := Collect(context.Background(), unplugged, nil); !errors.Is(err, capture.ErrUnplugged) {
		t.Errorf("unplugged mid-signature: %v", err)
	}
}

func TestCaptureOutcomes(t *testing.T) {
	m := devmetrics.New(nil)
	good := sig(line(0, 40, 10, 600, 0), line(0, 30, 20, 600, 600)).Samples
	tick := sig(line(0, 3, 10, 600, 0)).Samples
	o := &CollectOptions{Idle: 50 * time.Millisecond, Metrics: m}
	if _, err := Capture(context.Background(), &pad{samples: good}, o); err != nil {
		t.Fatal(err)
	}
	s, err := Capture(context.Background(), &pad{samples: tick}, o)
	var ue *UnusableError
	if !errors.As(err, &ue) || ue.Reason != TooFewStrokes || len(s.Samples) != len(tick) {
		t.Fatalf("a tick: %v, %d samples kept", err, len(s.Samples))
	}
	Capture(context.Background(), &pad{samples: good[:3], err: capture.ErrUnplugged}, o)
	want := `
# HELP enrolld_captures_total Captures attempted, by device class (finger, camera, signature) and outcome.
# TYPE enrolld_captures_total counter
enrolld_captures_total{kind="signature",outcome="ok"} 1
enrolld_captures_total{kind="signature",outcome="unplugged"} 1
enrolld_captures_total{kind="signature",outcome="unusable"} 1
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "enrolld_captures_total"); err != nil {
		t.Error(err)
	}
}
