package emu

import (
	"math"
	"testing"

	"github.com/enrolld/enrolld/drivers/isdv4"
)

func TestResampleSpacing(t *testing.T) {
	pts := resample(Stroke{{0, 0}, {3, 0}, {3, 4}}, 0.5)
	if len(pts) != 15 || pts[0] != (Point{0, 0}) || pts[len(pts)-1] != (Point{3, 4}) {
		t.Fatalf("resampled to %d points: %v", len(pts), pts)
	}
	for i := 1; i < len(pts)-1; i++ { // along the path, so the corner cuts distances short
		if d := math.Hypot(pts[i].X-pts[i-1].X, pts[i].Y-pts[i-1].Y); d > 0.5+1e-9 || d < 0.35 {
			t.Errorf("points %d-%d are %.3f mm apart", i-1, i, d)
		}
	}
}

func TestPacketsShape(t *testing.T) {
	caps := isdv4.QueryReply{MaxX: 26202, MaxY: 16325, MaxPressure: 1023}
	pk := Packets([]Stroke{{{10, 10}, {20, 10}}, {{-5, 500}, {-5, 501}}}, caps, Motion{Speed: 130})
	// stroke 1: 3 hover, 11 down, 3 hover; stroke 2: 3 + 2 + 3; 1 out of proximity.
	if len(pk) != 26 {
		t.Fatalf("%d packets", len(pk))
	}
	if pk[0].Tip || !pk[3].Tip || pk[3].Pressure >= pk[6].Pressure || pk[13].Pressure >= pk[9].Pressure || pk[14].Tip {
		t.Errorf("no pressure ramp or hover: %+v", pk[:17])
	}
	if last := pk[len(pk)-1]; last.Proximity || last.Tip {
		t.Errorf("last packet %+v should leave proximity", last)
	}
	if p := pk[20]; p.X != 0 || p.Y != caps.MaxY {
		t.Errorf("off-pad point not clamped: %+v", p)
	}
	for i, p := range pk {
		if _, err := isdv4.EncodePen(p); err != nil {
			t.Fatalf("packet %d does not encode: %v", i, err)
		}
	}
}
