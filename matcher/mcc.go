package matcher

import (
	"math"
	"math/bits"
)

// Minutia Cylinder-Code parameters (Cappelli, Maio, Maltoni, IEEE PAMI 2010), at 500 dpi.
// A cylinder is centred on a minutia and aligned with its direction; its base is a disc of
// radius mccR split into mccNS×mccNS cells, its height the relative direction split into
// mccND sections. A cell's bit is set when neighbouring minutiae near that cell have a
// direction (relative to the centre's) in that section. A second bit set marks the cells
// that lie inside the fingerprint area (the minutiae convex hull enlarged by mccOmega).
const (
	mccR       = 70.0
	mccNS      = 16
	mccND      = 6
	mccSigmaS  = 28.0 / 3
	mccSigmaD  = 2 * math.Pi / 9
	mccMuPsi   = 0.01
	mccOmega   = 50.0
	mccMinVC   = 0.75 // minimum fraction of valid cells for a valid cylinder
	mccMinM    = 2    // minimum neighbours for a valid cylinder
	mccDeltaS  = 2 * mccR / mccNS
	gridCells  = mccNS * mccNS * mccND // cells of the full grid, disc or not
	mccCells   = discCells * mccND     // cells stored: those of the disc
	cylWords   = (mccCells + 63) / 64
	spWords    = (mccNS*mccNS + 63) / 64 // words of the spatial validity mask
	cylStride  = 2*cylWords + spWords    // words per stored cylinder
	mccReach   = 23.0                    // px: contributions beyond 2.5 σS are dropped
	gsLUTStep  = 0.25                    // squared-distance step of the spatial table
	gsLUTLen   = int(mccReach*mccReach/gsLUTStep) + 2
	discCells  = 208
	minMECells = discCells * mccND * 6 / 10
)

// mccTables holds read-only lookup tables computed once.
type mccTables struct {
	gs      [gsLUTLen]float32     // spatial contribution by squared distance
	cd      [256][mccND]float32   // direction contribution by relative angle (brad), per section
	sqrt    [mccCells + 1]float32 // square roots of popcounts
	inDisc  [mccNS * mccNS]bool   // cell centre within mccR
	disc    [mccNS * mccNS]int16  // index of a grid cell among the disc cells, −1 outside
	centres [mccNS * mccNS][2]float32
}

var tables = newMCCTables()

func newMCCTables() *mccTables {
	t := &mccTables{}
	norm := 1 / (mccSigmaS * math.Sqrt(2*math.Pi))
	for i := range t.gs {
		d2 := float64(i) * gsLUTStep
		t.gs[i] = float32(norm * math.Exp(-d2/(2*mccSigmaS*mccSigmaS)))
	}
	dd := 2 * math.Pi / mccND
	for a := range 256 {
		alpha := float64(int8(uint8(a))) * 2 * math.Pi / 256 // relative direction in [-π, π)
		for k := range mccND {
			centre := -math.Pi + (float64(k)+0.5)*dd
			x := math.Remainder(alpha-centre, 2*math.Pi)
			s := mccSigmaD * math.Sqrt2
			t.cd[a][k] = float32(0.5 * (math.Erf((x+dd/2)/s) - math.Erf((x-dd/2)/s)))
		}
	}
	for i := range t.sqrt {
		t.sqrt[i] = float32(math.Sqrt(float64(i)))
	}
	for j := range mccNS {
		for i := range mccNS {
			cx := (float64(i)+0.5)*mccDeltaS - mccR
			cy := (float64(j)+0.5)*mccDeltaS - mccR
			t.centres[j*mccNS+i] = [2]float32{float32(cx), float32(cy)}
			t.inDisc[j*mccNS+i] = cx*cx+cy*cy <= mccR*mccR
			t.disc[j*mccNS+i] = -1
		}
	}
	n := int16(0)
	for c, in := range t.inDisc {
		if in {
			t.disc[c] = n
			n++
		}
	}
	if n != discCells {
		panic("matcher: discCells does not match the cylinder geometry") // caught by any test
	}
	return t
}

// cylinderBits counts the set bits of one masked cylinder word slice.
func popcount(w []uint64) int {
	n := 0
	for _, x := range w {
		n += bits.OnesCount64(x)
	}
	return n
}
