package wsq

// quantTable is the DQT content as both sides see it: the bin widths
// rounded to their stored decimal form.
type quantTable struct {
	q, z       [numSubbands]float32
	qDec, zDec [numSubbands]decimal16
	c          float32
	cDec       decimal16
}

// newQuantTable rounds the bin widths to their stored form.
func newQuantTable(widths [codedSubbands]float64) *quantTable {
	t := &quantTable{cDec: newDecimal16(binCentre)}
	t.c = t.cDec.value()
	for k, q := range widths {
		if q <= 0 {
			continue
		}
		t.qDec[k] = newDecimal16(q)
		t.zDec[k] = newDecimal16(zeroBinRatio * q)
		t.q[k], t.z[k] = t.qDec[k].value(), t.zDec[k].value()
	}
	return t
}

func (t *quantTable) append(b []byte) []byte {
	b = be16(b, markerDQT)
	b = be16(b, 3+6*numSubbands+2)
	b = t.cDec.append(b)
	for k := 0; k < numSubbands; k++ {
		b = t.qDec[k].append(b)
		b = t.zDec[k].append(b)
	}
	return b
}

// quantizeAll quantises every coded subband in order and returns the end
// index in e.coef of each of the three blocks.
func (e *Encoder) quantizeAll(l *layout, width int, t *quantTable) [3]int {
	e.coef = e.coef[:0]
	var ends [3]int
	for k := 0; k < codedSubbands; k++ {
		if k == block2Start {
			ends[0] = len(e.coef)
		}
		if k == block3Start {
			ends[1] = len(e.coef)
		}
		q := t.q[k]
		if q == 0 {
			continue
		}
		hz := t.z[k] / 2
		r := l.subbands[k]
		for y := 0; y < r.h; y++ {
			for _, x := range e.plane[(r.y+y)*width+r.x:][:r.w] {
				e.coef = append(e.coef, quantize(x, q, hz))
			}
		}
	}
	ends[2] = len(e.coef)
	return ends
}
