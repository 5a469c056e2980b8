package matcher

import (
	"fmt"
	"math"
)

// Packed is the compact byte form of a template used by the 1:N gallery: one count byte,
// then 5 bytes per minutia:
//
//	x (12 bits) | y (12 bits) | angle (8 bits, 360/256°) | type (2 bits) | quality (6 bits)
//
// Coordinates are normalised to 500 dpi (so x, y < 4096 covers 20 cm), y grows downwards as
// in the image, quality is scaled to 0–63. A Packed of n minutiae is 1+5n bytes; 40 minutiae
// take 201 bytes. Packed is a plain []byte so galleries can lay many out in one arena.
type Packed []byte

// PackedMinutiaBytes is the size of one minutia in a Packed template.
const PackedMinutiaBytes = 5

// Pack converts a template to its compact form, scaling coordinates to 500 dpi. Minutiae
// beyond 255 or falling outside the 4096×4096 range are dropped.
func Pack(t *Template) Packed {
	sx, sy := scaleTo500(t.ResX), scaleTo500(t.ResY)
	n := min(len(t.Minutiae), 255)
	p := make(Packed, 1, 1+PackedMinutiaBytes*n)
	for _, m := range t.Minutiae[:n] {
		x, y := int(math.Round(float64(m.X)*sx)), int(math.Round(float64(m.Y)*sy))
		if x < 0 || y < 0 || x > 4095 || y > 4095 {
			continue
		}
		q := min(int(m.Quality), 100) * 63 / 100
		p = append(p, byte(x>>4), byte(x<<4)|byte(y>>8), byte(y), angleToISO(m.Angle), byte(m.Type&3)<<6|byte(q))
	}
	p[0] = byte((len(p) - 1) / PackedMinutiaBytes)
	return p
}

// Len returns the number of minutiae, or -1 if p is malformed.
func (p Packed) Len() int {
	if len(p) == 0 || len(p) != 1+PackedMinutiaBytes*int(p[0]) {
		return -1
	}
	return int(p[0])
}

// Minutia decodes minutia i (coordinates at 500 dpi). It panics if i is out of range, like
// a slice index; call Len first on untrusted data.
func (p Packed) Minutia(i int) Minutia {
	b := p[1+PackedMinutiaBytes*i:]
	return Minutia{
		X:       int(b[0])<<4 | int(b[1]>>4),
		Y:       int(b[1]&0x0f)<<8 | int(b[2]),
		Angle:   float64(b[3]) * 2 * math.Pi / 256,
		Type:    MinutiaType(b[4] >> 6),
		Quality: uint8(int(b[4]&0x3f) * 100 / 63),
	}
}

// Unpack returns the template of a Packed (500 dpi, no image size).
func (p Packed) Unpack() (*Template, error) {
	n := p.Len()
	if n < 0 {
		return nil, fmt.Errorf("%w: packed template of %d bytes", ErrFormat, len(p))
	}
	t := &Template{ResX: PPCMFromDPI(500), ResY: PPCMFromDPI(500), Minutiae: make([]Minutia, n)}
	for i := range n {
		t.Minutiae[i] = p.Minutia(i)
	}
	return t, nil
}

// scaleTo500 returns the factor from a resolution in px/cm to 500 dpi (1 if unknown).
func scaleTo500(ppcm int) float64 {
	if ppcm <= 0 {
		return 1
	}
	return 500 / (float64(ppcm) * 2.54)
}
