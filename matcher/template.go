package matcher

import (
	"errors"
	"fmt"
	"math"
)

// Errors returned by the template codecs and constructors.
var (
	// ErrTruncated means a record ended before a field it announces.
	ErrTruncated = errors.New("matcher: record truncated")
	// ErrFormat means a record is not of the expected format or has an invalid field.
	ErrFormat = errors.New("matcher: invalid record format")
	// ErrTooMany means a template has more minutiae than the format can hold.
	ErrTooMany = errors.New("matcher: too many minutiae")
)

// MinutiaType is the kind of a minutia, with the codes of ISO/IEC 19794-2.
type MinutiaType uint8

// Minutia types.
const (
	TypeOther       MinutiaType = 0 // unknown or other
	TypeEnding      MinutiaType = 1 // ridge ending
	TypeBifurcation MinutiaType = 2 // ridge bifurcation
)

// String names the type.
func (t MinutiaType) String() string {
	switch t {
	case TypeEnding:
		return "ending"
	case TypeBifurcation:
		return "bifurcation"
	}
	return "other"
}

// Minutia is one ridge ending or bifurcation.
type Minutia struct {
	// X and Y are the position in pixels of the source image, origin at the top left,
	// Y growing downwards.
	X, Y int
	// Angle is the direction in radians in [0, 2π), counter-clockwise as seen on the image
	// from the horizontal axis pointing right (the ISO/IEC 19794-2 convention).
	Angle float64
	// Type is ending, bifurcation or other.
	Type MinutiaType
	// Quality is the confidence in this minutia, 0 (lowest) to 100.
	Quality uint8
}

// Template is the minutiae of one finger view together with the geometry of its image.
type Template struct {
	// Width and Height are the image size in pixels.
	Width, Height int
	// ResX and ResY are the resolution in pixels per centimetre (500 dpi = 197).
	ResX, ResY int
	// Position is the ISO finger position (0 unknown, 1 right thumb … 10 left little).
	Position uint8
	// Quality is the finger image quality, 0–100 (see matcher/extract).
	Quality uint8
	// Minutiae are the minutiae of the view.
	Minutiae []Minutia
}

// PPCMFromDPI converts dots per inch to pixels per centimetre, rounded.
func PPCMFromDPI(dpi float64) int { return int(math.Round(dpi / 2.54)) }

// DPI returns the horizontal resolution in dots per inch (500 if unset).
func (t *Template) DPI() float64 {
	if t.ResX <= 0 {
		return 500
	}
	return float64(t.ResX) * 2.54
}

// Validate checks that the template's fields are within their ranges.
func (t *Template) Validate() error {
	if t.Width < 0 || t.Height < 0 || t.Width > 0xffff || t.Height > 0xffff {
		return fmt.Errorf("%w: image size %dx%d", ErrFormat, t.Width, t.Height)
	}
	if t.Position > 10 {
		return fmt.Errorf("%w: finger position %d", ErrFormat, t.Position)
	}
	if len(t.Minutiae) > 255 {
		return fmt.Errorf("%w: %d", ErrTooMany, len(t.Minutiae))
	}
	for i, m := range t.Minutiae {
		if m.X < 0 || m.Y < 0 || m.X > 0x3fff || m.Y > 0x3fff {
			return fmt.Errorf("%w: minutia %d at (%d,%d) out of range", ErrFormat, i, m.X, m.Y)
		}
		if m.Quality > 100 {
			return fmt.Errorf("%w: minutia %d quality %d", ErrFormat, i, m.Quality)
		}
	}
	return nil
}

// normAngle maps an angle to [0, 2π).
func normAngle(a float64) float64 {
	a = math.Mod(a, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a
}
