package wsq

import (
	"bytes"
	"encoding/binary"
	"image"
	"io"
	"strconv"
	"strings"
)

// DefaultMaxPixels bounds the frame size a Decoder accepts unless told
// otherwise (4096 × 4096).
const DefaultMaxPixels = 4096 * 4096

// DecodeOptions configures a Decoder.
type DecodeOptions struct {
	// MaxPixels is the largest width × height accepted; 0 means
	// DefaultMaxPixels. It bounds the memory a hostile file can claim.
	MaxPixels int
}

// Info describes a decoded file beyond its pixels.
type Info struct {
	Width, Height int
	// PPI is the resolution from the NIST comment, or -1 when absent.
	PPI int
	// Black and White are the frame header's pixel value range.
	Black, White uint8
	// Encoder and Software identify the encoder (frame header).
	Encoder  uint8
	Software uint16
	// Comments holds the text of every COM segment in file order.
	Comments []string
}

// Decoder decodes WSQ data, reusing its buffers between calls. A Decoder
// is not safe for concurrent use.
type Decoder struct {
	maxPixels int
	plane     []float32 // coefficients, then the reconstructed image
	tmp       []float32
	coef      []int32 // quantised coefficients in subband order
	sc        scratch
}

// NewDecoder returns a Decoder; opts may be nil.
func NewDecoder(opts *DecodeOptions) *Decoder {
	d := &Decoder{maxPixels: DefaultMaxPixels}
	if opts != nil && opts.MaxPixels > 0 {
		d.maxPixels = opts.MaxPixels
	}
	return d
}

// Decode reads a WSQ image from r.
func Decode(r io.Reader) (image.Image, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	img, _, err := NewDecoder(nil).Decode(data)
	if err != nil {
		return nil, err
	}
	return img, nil
}

// DecodeConfig returns the dimensions of a WSQ image without decoding it.
func DecodeConfig(r io.Reader) (image.Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return image.Config{}, err
	}
	p := &parser{data: data}
	if err := p.headers(); err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: grayModel(), Width: p.frame.width, Height: p.frame.height}, nil
}

func init() {
	image.RegisterFormat("wsq", "\xff\xa0", Decode, DecodeConfig)
}

// Decode decodes one WSQ file held in data.
func (d *Decoder) Decode(data []byte) (*image.Gray, *Info, error) {
	p := &parser{data: data, d: d}
	if err := p.headers(); err != nil {
		return nil, nil, err
	}
	if err := p.body(); err != nil {
		return nil, nil, err
	}
	img := d.reconstruct(p)
	return img, p.info(), nil
}

// frame is the SOF segment.
type frame struct {
	black, white   uint8
	width, height  int
	mShift, rScale float32
	mDec, rDec     decimal16 // stored forms of mShift and rScale
	encoder        uint8
	software       uint16
}

// parser walks the marker segments of one file.
type parser struct {
	data     []byte
	pos      int
	d        *Decoder
	frame    *frame
	synth    reconstructor
	haveDQT  bool
	q, z     [numSubbands]float32
	binC     float32
	huff     [8]huffDecoder
	comments []string
	layout   *layout
	total    int // coefficients expected
	ncoef    int // coefficients decoded
}

// marker reads the next marker.
func (p *parser) marker() (int, error) {
	if p.pos+2 > len(p.data) {
		return 0, formatErr("marker", p.pos, ErrTruncated, "data ends where a marker is expected")
	}
	m := int(binary.BigEndian.Uint16(p.data[p.pos:]))
	if m < markerSOI || m > markerCOM {
		return 0, formatErr("marker", p.pos, ErrFormat, "0x%04X is not a WSQ marker", m)
	}
	p.pos += 2
	return m, nil
}

// segment returns the body of the marker segment starting at p.pos (after
// the marker) and advances past it. The body excludes the length field.
func (p *parser) segment(name string) (body []byte, start int, err error) {
	start = p.pos
	if p.pos+2 > len(p.data) {
		return nil, start, formatErr(name, start, ErrTruncated, "data ends inside the length field")
	}
	n := int(binary.BigEndian.Uint16(p.data[p.pos:]))
	if n < 2 {
		return nil, start, formatErr(name, start, ErrFormat, "segment length %d is less than 2", n)
	}
	if p.pos+n > len(p.data) {
		return nil, start, formatErr(name, start, ErrTruncated, "segment of %d bytes runs past the end of the data (%d bytes)", n, len(p.data))
	}
	body = p.data[p.pos+2 : p.pos+n]
	p.pos += n
	return body, start, nil
}

// headers reads SOI and every table up to and including the frame header.
func (p *parser) headers() error {
	m, err := p.marker()
	if err != nil {
		return err
	}
	if m != markerSOI {
		return formatErr("SOI", 0, ErrFormat, "file starts with %s, not SOI", markerName(m))
	}
	for p.frame == nil {
		at := p.pos
		m, err := p.marker()
		if err != nil {
			return err
		}
		switch m {
		case markerSOF:
			if err := p.readFrame(); err != nil {
				return err
			}
		case markerDTT, markerDQT, markerDHT, markerDRT, markerCOM:
			if err := p.table(m); err != nil {
				return err
			}
		default:
			return formatErr(markerName(m), at, ErrFormat, "%s before the frame header", markerName(m))
		}
	}
	return nil
}

// body reads tables and blocks up to EOI.
func (p *parser) body() error {
	for {
		at := p.pos
		m, err := p.marker()
		if err != nil {
			return err
		}
		switch m {
		case markerSOB:
			if err := p.block(at); err != nil {
				return err
			}
		case markerDTT, markerDQT, markerDHT, markerDRT, markerCOM:
			if err := p.table(m); err != nil {
				return err
			}
		case markerEOI:
			if p.total == 0 && p.layout == nil {
				return formatErr("EOI", at, ErrFormat, "no block before the end of the image")
			}
			if p.ncoef < p.total {
				return formatErr("EOI", at, ErrTruncated, "blocks hold %d of %d coefficients", p.ncoef, p.total)
			}
			return nil
		default:
			return formatErr(markerName(m), at, ErrFormat, "unexpected %s after the frame header", markerName(m))
		}
	}
}

func (p *parser) info() *Info {
	f := p.frame
	in := &Info{Width: f.width, Height: f.height, PPI: -1, Black: f.black, White: f.white,
		Encoder: f.encoder, Software: f.software, Comments: p.comments}
	if ppi, ok := in.Attribute("PPI"); ok {
		if v, err := strconv.Atoi(ppi); err == nil {
			in.PPI = v
		}
	}
	return in
}

// Attribute returns the value of an attribute of the NIST comment, such
// as "PPI", "PIX_DEPTH" or "WSQ_BITRATE".
func (in *Info) Attribute(name string) (string, bool) {
	for _, c := range in.Comments {
		if v, ok := nistField(c, name); ok {
			return v, true
		}
	}
	return "", false
}

// nistField returns the value of a NIST_COM attribute.
func nistField(comment, name string) (string, bool) {
	if !strings.HasPrefix(comment, "NIST_COM") {
		return "", false
	}
	for _, line := range strings.Split(comment, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok && k == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// commentText trims a trailing NUL some encoders write.
func commentText(b []byte) string {
	return string(bytes.TrimRight(b, "\x00"))
}
