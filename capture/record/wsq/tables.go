package wsq

import (
	"encoding/binary"
	"image/color"
)

func grayModel() color.Model { return color.GrayModel }

// maxFilterLen bounds the filter taps a transform table may declare, which
// bounds the decoding work a file can demand.
const maxFilterLen = 31

// readFrame parses the SOF segment.
func (p *parser) readFrame() error {
	body, at, err := p.segment("SOF")
	if err != nil {
		return err
	}
	if len(body) != 15 {
		return formatErr("SOF", at, ErrFormat, "frame header is %d bytes, want 15", len(body))
	}
	f := &frame{
		black:    body[0],
		white:    body[1],
		height:   int(binary.BigEndian.Uint16(body[2:])),
		width:    int(binary.BigEndian.Uint16(body[4:])),
		mDec:     decimal16{body[6], binary.BigEndian.Uint16(body[7:])},
		rDec:     decimal16{body[9], binary.BigEndian.Uint16(body[10:])},
		encoder:  body[12],
		software: binary.BigEndian.Uint16(body[13:]),
	}
	f.mShift, f.rScale = f.mDec.value(), f.rDec.value()
	if f.width == 0 || f.height == 0 {
		return formatErr("SOF", at+4, ErrFormat, "image is %d × %d pixels", f.width, f.height)
	}
	if p.d != nil && f.width*f.height > p.d.maxPixels {
		return formatErr("SOF", at+4, ErrTooLarge, "image of %d × %d pixels exceeds the limit of %d", f.width, f.height, p.d.maxPixels)
	}
	p.frame = f
	return nil
}

// table parses a table or comment segment.
func (p *parser) table(m int) error {
	name := markerName(m)
	body, at, err := p.segment(name)
	if err != nil {
		return err
	}
	switch m {
	case markerDTT:
		return p.readDTT(body, at)
	case markerDQT:
		return p.readDQT(body, at)
	case markerDHT:
		return p.readDHT(body, at)
	case markerDRT:
		if len(body) != 2 {
			return formatErr(name, at, ErrFormat, "restart interval segment is %d bytes, want 2", len(body))
		}
	case markerCOM:
		p.comments = append(p.comments, commentText(body))
	}
	return nil
}

// readDTT parses the transform table: the analysis low-pass and high-pass
// lengths, then each filter's taps from the centre outwards as sign byte,
// decimal scale byte and 32-bit mantissa. The standard 9/7 pair takes the
// fast path; other odd lengths the generic one.
func (p *parser) readDTT(body []byte, at int) error {
	if len(body) < 2 {
		return formatErr("DTT", at, ErrFormat, "transform table of %d bytes is too short", len(body))
	}
	nlo, nhi := int(body[0]), int(body[1])
	if nlo > maxFilterLen || nhi > maxFilterLen {
		return formatErr("DTT", at+2, ErrUnsupported, "filter lengths %d/%d exceed %d taps", nlo, nhi, maxFilterLen)
	}
	if nlo%2 == 0 || nhi%2 == 0 {
		return formatErr("DTT", at+2, ErrUnsupported, "filter lengths %d/%d; even-length filters are not supported", nlo, nhi)
	}
	nlo, nhi = (nlo+1)/2, (nhi+1)/2
	if len(body) != 2+6*(nlo+nhi) {
		return formatErr("DTT", at, ErrFormat, "transform table is %d bytes, want %d", len(body), 2+6*(nlo+nhi))
	}
	taps := make([]float32, nlo+nhi)
	for i := range taps {
		e := body[2+6*i:]
		v := scaled32(e[1], binary.BigEndian.Uint32(e[2:]))
		switch e[0] {
		case 0:
		case 1:
			v = -v
		default:
			return formatErr("DTT", at+4+6*i, ErrFormat, "sign byte %d is neither 0 nor 1", e[0])
		}
		taps[i] = v
	}
	if nlo == 5 && nhi == 4 {
		p.synth = newSynthesis([5]float32(taps[:5]), [4]float32(taps[5:]))
	} else {
		p.synth = newGenericSynthesis(taps[:nlo], taps[nlo:])
	}
	return nil
}

// readDQT parses the quantisation table: the bin centre, then bin width Q
// and zero-bin width Z for each of the 64 subbands.
func (p *parser) readDQT(body []byte, at int) error {
	if len(body) != 3+numSubbands*6 {
		return formatErr("DQT", at, ErrFormat, "quantisation table is %d bytes, want %d", len(body), 3+numSubbands*6)
	}
	if p.layout != nil {
		return formatErr("DQT", at, ErrUnsupported, "quantisation table redefined after the first block")
	}
	p.binC = scaled16(body[0], binary.BigEndian.Uint16(body[1:]))
	for k := 0; k < numSubbands; k++ {
		e := body[3+6*k:]
		p.q[k] = scaled16(e[0], binary.BigEndian.Uint16(e[1:]))
		p.z[k] = scaled16(e[3], binary.BigEndian.Uint16(e[4:]))
	}
	p.haveDQT = true
	return nil
}

// readDHT parses one or more Huffman tables.
func (p *parser) readDHT(body []byte, at int) error {
	off := at + 2
	for len(body) > 0 {
		if len(body) < 17 {
			return formatErr("DHT", off, ErrTruncated, "table header needs 17 bytes, %d left", len(body))
		}
		id := body[0]
		if int(id) >= len(p.huff) {
			return formatErr("DHT", off, ErrFormat, "table number %d is not below %d", id, len(p.huff))
		}
		spec := &huffSpec{}
		n := 0
		for i := 0; i < maxCodeLen; i++ {
			spec.counts[i] = body[1+i]
			n += int(body[1+i])
		}
		if n > 256 || 17+n > len(body) {
			return formatErr("DHT", off, ErrFormat, "table %d declares %d symbols, %d bytes left", id, n, len(body)-17)
		}
		spec.values = append([]uint8(nil), body[17:17+n]...)
		if err := p.huff[id].init(spec); err != nil {
			return formatErr("DHT", off, ErrFormat, "table %d: %v", id, err)
		}
		body = body[17+n:]
		off += 17 + n
	}
	return nil
}
