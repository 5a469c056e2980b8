package matcher

import (
	"encoding/binary"
	"fmt"
	"math"
)

// ISO/IEC 19794-2:2005 finger minutiae record ("FMR\0", version " 20\0").
//
// Layout (big-endian):
//
//	record header, 24 bytes:
//	  0  "FMR\0"            4  " 20\0"            8  total record length (4)
//	  12 equipment certification (4 bits) + capture device type (12 bits)
//	  14 image width (2)    16 image height (2)  18 x resolution (2, px/cm)
//	  20 y resolution (2)   22 number of finger views (1)   23 reserved (1)
//	per finger view:
//	  finger position (1), view number (4 bits) + impression type (4 bits),
//	  finger quality (1), number of minutiae (1),
//	  minutiae, 6 bytes each: type (2 bits) + x (14 bits), reserved (2 bits) + y (14 bits),
//	  angle (1, units of 360/256 degrees counter-clockwise), quality (1),
//	  extended data block length (2) followed by that many bytes (skipped).
const (
	isoHeaderLen  = 24
	isoViewLen    = 4
	isoMinutiaLen = 6
)

var isoMagic = [8]byte{'F', 'M', 'R', 0, ' ', '2', '0', 0}

// EncodeISO writes the views as one ISO/IEC 19794-2:2005 record. The record header takes
// the image size and resolution of the first view; all views must share them.
func EncodeISO(views ...*Template) ([]byte, error) {
	if len(views) == 0 || len(views) > 255 {
		return nil, fmt.Errorf("%w: %d finger views", ErrFormat, len(views))
	}
	size := isoHeaderLen
	for i, v := range views {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("view %d: %w", i, err)
		}
		if v.Width != views[0].Width || v.Height != views[0].Height || v.ResX != views[0].ResX || v.ResY != views[0].ResY {
			return nil, fmt.Errorf("%w: view %d has a different image geometry", ErrFormat, i)
		}
		size += isoViewLen + isoMinutiaLen*len(v.Minutiae) + 2
	}
	h := views[0]
	b := make([]byte, 0, size)
	b = append(b, isoMagic[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(size))
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(h.Width))
	b = binary.BigEndian.AppendUint16(b, uint16(h.Height))
	b = binary.BigEndian.AppendUint16(b, uint16(h.ResX))
	b = binary.BigEndian.AppendUint16(b, uint16(h.ResY))
	b = append(b, byte(len(views)), 0)
	for i, v := range views {
		b = append(b, v.Position, byte(i&0x0f)<<4, v.Quality, byte(len(v.Minutiae)))
		for _, m := range v.Minutiae {
			b = binary.BigEndian.AppendUint16(b, uint16(m.Type&3)<<14|uint16(m.X))
			b = binary.BigEndian.AppendUint16(b, uint16(m.Y))
			b = append(b, angleToISO(m.Angle), m.Quality)
		}
		b = append(b, 0, 0) // no extended data
	}
	return b, nil
}

// DecodeISO parses an ISO/IEC 19794-2:2005 record into one template per finger view.
// Extended data blocks are skipped. It never panics on malformed input.
func DecodeISO(b []byte) ([]Template, error) {
	if len(b) < isoHeaderLen {
		return nil, fmt.Errorf("%w: header needs %d bytes, have %d", ErrTruncated, isoHeaderLen, len(b))
	}
	if [8]byte(b[:8]) != isoMagic {
		return nil, fmt.Errorf("%w: magic %q is not \"FMR\\x00 20\\x00\"", ErrFormat, b[:8])
	}
	total := int(binary.BigEndian.Uint32(b[8:12]))
	if total < isoHeaderLen || total > len(b) {
		return nil, fmt.Errorf("%w: record length %d, have %d bytes", ErrTruncated, total, len(b))
	}
	b = b[:total]
	w, h := int(binary.BigEndian.Uint16(b[14:])), int(binary.BigEndian.Uint16(b[16:]))
	rx, ry := int(binary.BigEndian.Uint16(b[18:])), int(binary.BigEndian.Uint16(b[20:]))
	nv := int(b[22])
	views := make([]Template, 0, nv)
	off := isoHeaderLen
	for v := 0; v < nv; v++ {
		t, n, err := decodeISOView(b[off:], off)
		if err != nil {
			return nil, fmt.Errorf("view %d: %w", v, err)
		}
		t.Width, t.Height, t.ResX, t.ResY = w, h, rx, ry
		views = append(views, t)
		off += n
	}
	return views, nil
}

// decodeISOView parses one finger view starting at b; base is its record offset for errors.
func decodeISOView(b []byte, base int) (Template, int, error) {
	var t Template
	if len(b) < isoViewLen {
		return t, 0, fmt.Errorf("%w: view header at offset %d", ErrTruncated, base)
	}
	t.Position, t.Quality = b[0], b[2]
	n := int(b[3])
	need := isoViewLen + n*isoMinutiaLen + 2
	if len(b) < need {
		return t, 0, fmt.Errorf("%w: %d minutiae at offset %d", ErrTruncated, n, base)
	}
	t.Minutiae = make([]Minutia, n)
	for i := range n {
		p := b[isoViewLen+i*isoMinutiaLen:]
		xw, yw := binary.BigEndian.Uint16(p), binary.BigEndian.Uint16(p[2:])
		t.Minutiae[i] = Minutia{
			X: int(xw & 0x3fff), Y: int(yw & 0x3fff),
			Type:    MinutiaType(xw >> 14),
			Angle:   float64(p[4]) * 2 * math.Pi / 256,
			Quality: p[5],
		}
	}
	ext := int(binary.BigEndian.Uint16(b[need-2:]))
	if len(b) < need+ext {
		return t, 0, fmt.Errorf("%w: extended data of %d bytes at offset %d", ErrTruncated, ext, base+need)
	}
	return t, need + ext, nil
}

// angleToISO converts radians to units of 360/256 degrees, rounded.
func angleToISO(a float64) byte {
	return byte(int(math.Round(normAngle(a)*256/(2*math.Pi))) & 0xff)
}
