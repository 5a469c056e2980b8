package wsq

// Entropy-coded data follows the JPEG convention: bits are packed most
// significant first, and every 0xFF byte is followed by a stuffed 0x00 so
// that a marker (0xFF followed by anything else) can be found without
// decoding.

// bitWriter packs bits MSB first, stuffing a zero byte after every 0xFF.
type bitWriter struct {
	buf   []byte
	acc   uint64 // pending bits, right-aligned
	nbits uint   // number of pending bits
}

// write appends the low n bits of v (n ≤ 32).
func (w *bitWriter) write(v uint32, n uint) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.nbits += n
	for w.nbits >= 8 {
		w.nbits -= 8
		b := byte(w.acc >> w.nbits)
		w.buf = append(w.buf, b)
		if b == 0xFF {
			w.buf = append(w.buf, 0)
		}
	}
}

// flush pads the last byte with one bits.
func (w *bitWriter) flush() {
	if w.nbits > 0 {
		pad := 8 - w.nbits
		w.write(1<<pad-1, pad)
	}
	w.acc = 0
}

// bitReader reads MSB-first bits from entropy-coded bytes, dropping the
// zero byte stuffed after each 0xFF. The data must not contain markers.
type bitReader struct {
	data  []byte
	pos   int    // next byte to load
	acc   uint64 // bits, left-aligned
	nbits uint   // valid bits in acc
}

// fill loads whole bytes while there is room.
func (r *bitReader) fill() {
	for r.nbits <= 56 && r.pos < len(r.data) {
		b := r.data[r.pos]
		r.acc |= uint64(b) << (56 - r.nbits)
		r.pos++
		if b == 0xFF {
			r.pos++
		}
		r.nbits += 8
	}
}

// peek returns the next 16 bits, zero-padded past the end.
func (r *bitReader) peek16() uint32 {
	if r.nbits < 16 {
		r.fill()
	}
	return uint32(r.acc >> 48)
}

// skip consumes n ≤ nbits bits.
func (r *bitReader) skip(n uint) {
	r.acc <<= n
	r.nbits -= n
}

// read consumes and returns n ≤ 16 bits; ok is false when fewer remain.
func (r *bitReader) read(n uint) (v uint32, ok bool) {
	if r.nbits < n {
		r.fill()
		if r.nbits < n {
			return 0, false
		}
	}
	v = uint32(r.acc >> (64 - n))
	r.skip(n)
	return v, true
}

// offset returns the index in data of the byte holding the next bit
// (exact unless a stuffed byte lies in the look-ahead).
func (r *bitReader) offset() int {
	return r.pos - int(r.nbits+7)/8
}
