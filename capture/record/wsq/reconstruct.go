package wsq

import "image"

// reconstruct dequantises the coefficients, inverts the wavelet transform
// and converts the result to 8-bit pixels.
func (d *Decoder) reconstruct(p *parser) *image.Gray {
	f := p.frame
	w, h := f.width, f.height
	d.plane = growFloats(d.plane, w*h)
	d.tmp = growFloats(d.tmp, w*h)
	clear(d.plane)
	p.dequantize(d.plane, w)
	p.synth.reconstruct(d.plane, w, p.layout, d.tmp, &d.sc)
	img := image.NewGray(image.Rect(0, 0, w, h))
	toBytes(img.Pix, d.plane, f.mShift, f.rScale)
	return img
}

func growFloats(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// dequantize places the reconstruction value of every coefficient in its
// subband: zero stays zero, others sit (q·(|v| − C) + Z/2) away from zero.
func (p *parser) dequantize(plane []float32, width int) {
	coef := p.d.coef
	c := p.binC
	i := 0
	for k := 0; k < codedSubbands; k++ {
		q := p.q[k]
		if q == 0 {
			continue
		}
		hz := p.z[k] / 2
		r := p.layout.subbands[k]
		for y := 0; y < r.h; y++ {
			row := plane[(r.y+y)*width+r.x:][:r.w]
			src := coef[i : i+r.w]
			i += r.w
			for x, v := range src {
				switch {
				case v > 0:
					row[x] = float32(q*(float32(v)-c)) + hz
				case v < 0:
					row[x] = float32(q*(float32(v)+c)) - hz
				}
			}
		}
	}
}

// toBytes undoes the encoder's normalisation and rounds to 8 bits as the
// reference decoder does: add one half in single precision, clamp, then
// truncate.
func toBytes(pix []uint8, plane []float32, mShift, rScale float32) {
	for i, v := range plane[:len(pix)] {
		t := float32(float32(v*rScale) + mShift)
		t += 0.5
		switch {
		case t < 0:
			pix[i] = 0
		case t > 255:
			pix[i] = 255
		default:
			pix[i] = uint8(t)
		}
	}
}
