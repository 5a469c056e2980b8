package wsq

import (
	"fmt"
	"image"
	"image/draw"
	"io"
	"math"
)

// Default encoder settings.
const (
	DefaultBitRate = 0.75 // bits per pixel, about 15:1
	DefaultPPI     = 500
	// MinDimension is the smallest width or height the encoder accepts:
	// below it the coarsest subbands would be a single sample wide.
	MinDimension = 32
	// MaxDimension is the largest width or height a frame header holds.
	MaxDimension = 65535
	// encoderNumber is written in the frame header as the reference
	// encoder does.
	encoderNumber = 2
)

// Options configures encoding.
type Options struct {
	// BitRate is the target in bits per pixel (0 means DefaultBitRate);
	// 0.75 is the FBI's usual rate, 2.25 gives about 5:1.
	BitRate float64
	// PPI is the scan resolution recorded in the NIST comment (0 means
	// DefaultPPI).
	PPI int
	// Comment, when not empty, is written as an extra COM segment.
	Comment string
}

func (o *Options) withDefaults() (Options, error) {
	var v Options
	if o != nil {
		v = *o
	}
	if v.BitRate == 0 {
		v.BitRate = DefaultBitRate
	}
	if v.PPI == 0 {
		v.PPI = DefaultPPI
	}
	if !(v.BitRate > 0 && v.BitRate <= 8) {
		return v, fmt.Errorf("%w: bit rate %g is not in (0, 8]", ErrInvalidOptions, v.BitRate)
	}
	if v.PPI < 0 {
		return v, fmt.Errorf("%w: PPI %d is negative", ErrInvalidOptions, v.PPI)
	}
	if len(v.Comment) > 65533 {
		return v, fmt.Errorf("%w: comment of %d bytes exceeds 65533", ErrInvalidOptions, len(v.Comment))
	}
	return v, nil
}

// Encoder compresses images, reusing its buffers between calls. An
// Encoder is not safe for concurrent use.
type Encoder struct {
	plane, tmp []float32
	coef       []int32
	tokens     []token
	sc         scratch
	out        []byte

	restartEvery int // tokens per restart interval; 0 writes none
}

// Encode writes img to w as WSQ; opts may be nil. Colour images are
// converted to grey first.
func Encode(w io.Writer, img image.Image, opts *Options) error {
	var e Encoder
	b, err := e.Encode(toGray(img), opts)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}

// Encode compresses img and returns the file. The returned slice is
// reused by the next call.
func (e *Encoder) Encode(img *image.Gray, opts *Options) ([]byte, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w < MinDimension || h < MinDimension || w > MaxDimension || h > MaxDimension {
		return nil, fmt.Errorf("%w: %d × %d pixels; each side must be %d to %d", ErrInvalidImage, w, h, MinDimension, MaxDimension)
	}
	return e.encode(img, o), nil
}

// encode compresses an image of any size from 1 × 1 up.
func (e *Encoder) encode(img *image.Gray, o Options) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	e.plane = growFloats(e.plane, w*h)
	e.tmp = growFloats(e.tmp, w*h)
	fr := e.normalise(img)
	l := newLayout(w, h)
	newAnalysis().decompose(e.plane, w, l, e.tmp, &e.sc)
	vars := variances(e.plane, w, l)
	qt := newQuantTable(binWidths(&vars, o.BitRate))
	blocks := e.quantizeAll(l, w, qt)

	e.out = e.out[:0]
	e.out = be16(e.out, markerSOI)
	e.out = appendComment(e.out, nistComment(w, h, o))
	if o.Comment != "" {
		e.out = appendComment(e.out, o.Comment)
	}
	e.out = appendDTT(e.out)
	e.out = qt.append(e.out)
	e.out = fr.append(e.out)
	e.out = e.appendBlocks(e.out, blocks)
	e.out = be16(e.out, markerEOI)
	return e.out
}

// normalise fills the plane with (pixel − M) / R and returns the frame
// header. M and R are rounded to their stored form first so the decoder
// undoes exactly the shift and scale that were applied.
func (e *Encoder) normalise(img *image.Gray) *frame {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	sum, lo, hi := 0, 255, 0
	for y := 0; y < h; y++ {
		for _, p := range img.Pix[y*img.Stride:][:w] {
			sum += int(p)
			lo = min(lo, int(p))
			hi = max(hi, int(p))
		}
	}
	mean := float64(sum) / float64(w*h)
	r := math.Max(mean-float64(lo), float64(hi)-mean) / 128
	if r <= 0 {
		r = 1 // a flat image: any scale will do
	}
	fr := &frame{black: 0, white: 255, width: w, height: h, encoder: encoderNumber,
		mDec: newDecimal16(mean), rDec: newDecimal16(r)}
	fr.mShift, fr.rScale = fr.mDec.value(), fr.rDec.value()
	var lut [256]float32
	for p := range lut {
		lut[p] = (float32(p) - fr.mShift) / fr.rScale
	}
	for y := 0; y < h; y++ {
		row := e.plane[y*w:][:w]
		for x, p := range img.Pix[y*img.Stride:][:w] {
			row[x] = lut[p]
		}
	}
	return fr
}

// append writes the SOF segment.
func (f *frame) append(b []byte) []byte {
	b = be16(b, markerSOF)
	b = be16(b, 17)
	b = append(b, f.black, f.white)
	b = be16(b, uint16(f.height))
	b = be16(b, uint16(f.width))
	b = f.mDec.append(b)
	b = f.rDec.append(b)
	b = append(b, f.encoder)
	return be16(b, f.software)
}

func be16(b []byte, v uint16) []byte { return append(b, byte(v>>8), byte(v)) }

// nistComment is the NIST_COM attribute list NBIS-compatible readers use.
func nistComment(w, h int, o Options) string {
	return fmt.Sprintf("NIST_COM 9\nPIX_WIDTH %d\nPIX_HEIGHT %d\nPIX_DEPTH 8\nPPI %d\nLOSSY 1\n"+
		"COLORSPACE GRAY\nCOMPRESSION WSQ\nWSQ_BITRATE %f", w, h, o.PPI, o.BitRate)
}

func appendComment(b []byte, text string) []byte {
	b = be16(b, markerCOM)
	b = be16(b, uint16(len(text)+2))
	return append(b, text...)
}

// appendDTT writes the transform table: lengths 9 and 7, then each
// filter's taps from the centre outwards.
func appendDTT(b []byte) []byte {
	lo, hi := analysisCentre()
	b = be16(b, markerDTT)
	b = be16(b, 58)
	b = append(b, 9, 7)
	for _, v := range append(lo[:], hi[:]...) {
		sign := byte(0)
		if v < 0 {
			sign, v = 1, -v
		}
		s, m := toScaled32(v)
		b = append(b, sign, s, byte(m>>24), byte(m>>16), byte(m>>8), byte(m))
	}
	return b
}
