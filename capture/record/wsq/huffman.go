package wsq

import "errors"

// Huffman tables are defined as in JPEG (ITU-T T.81 Annex C): the number of
// codes of each length 1..16 followed by the symbols in code order; codes
// are assigned canonically. Encoders build them from symbol frequencies
// with the JPEG procedure (Annex K.2), which reserves the all-ones code.

const (
	maxCodeLen = 16
	lookupBits = 10
)

// huffSpec is a table as transmitted in a DHT segment.
type huffSpec struct {
	counts [maxCodeLen]uint8 // counts[i]: number of codes of length i+1
	values []uint8           // symbols in order of increasing code
}

var errBadTable = errors.New("code lengths over-subscribe the code space")

// huffDecoder decodes one table. Codes of up to lookupBits bits resolve
// with one table look-up; longer codes fall back to the canonical
// max-code search.
type huffDecoder struct {
	lookup  [1 << lookupBits]uint16 // len<<8 | symbol; 0 when not resolved
	maxcode [maxCodeLen + 1]int32   // largest code of each length, -1 if none
	valptr  [maxCodeLen + 1]int32   // index into values of the first code
	mincode [maxCodeLen + 1]int32
	values  []uint8
	defined bool
}

// init builds the decoder, rejecting tables whose lengths cannot form a
// prefix code.
func (d *huffDecoder) init(s *huffSpec) error {
	*d = huffDecoder{values: s.values, defined: true}
	code, k := int32(0), int32(0)
	for l := 1; l <= maxCodeLen; l++ {
		n := int32(s.counts[l-1])
		d.valptr[l] = k
		d.mincode[l] = code
		code += n
		k += n
		if code > 1<<l {
			return errBadTable
		}
		d.maxcode[l] = code - 1
		if n == 0 {
			d.maxcode[l] = -1
		}
		if l <= lookupBits {
			for c := d.mincode[l]; c < code; c++ {
				sym := uint16(s.values[d.valptr[l]+c-d.mincode[l]])
				shift := lookupBits - l
				base := c << shift
				for j := int32(0); j < 1<<shift; j++ {
					d.lookup[base+j] = uint16(l)<<8 | sym
				}
			}
		}
		code <<= 1
	}
	return nil
}

// decode results.
const (
	symOK  = iota
	symEnd // the data ended inside a code
	symBad // the bits form no code of this table
)

// decode reads one symbol.
func (d *huffDecoder) decode(r *bitReader) (sym uint8, status int) {
	bits := r.peek16()
	if e := d.lookup[bits>>(16-lookupBits)]; e != 0 {
		n := uint(e >> 8)
		if n > r.nbits {
			return 0, symEnd
		}
		r.skip(n)
		return uint8(e), symOK
	}
	for l := uint(1); l <= maxCodeLen; l++ {
		code := int32(bits >> (16 - l))
		if code <= d.maxcode[l] {
			if l > r.nbits {
				return 0, symEnd
			}
			r.skip(l)
			return d.values[d.valptr[l]+code-d.mincode[l]], symOK
		}
	}
	if r.nbits < maxCodeLen {
		return 0, symEnd
	}
	return 0, symBad
}

// huffEncoder holds the code and its length for each symbol.
type huffEncoder struct {
	code [256]uint16
	size [256]uint8
}

// buildHuffSpec makes a length-limited table for the given symbol
// frequencies (JPEG Annex K.2 and K.3).
func buildHuffSpec(freq *[256]int) *huffSpec {
	var f [257]int
	copy(f[:], freq[:])
	used := false
	for _, v := range freq {
		used = used || v > 0
	}
	if !used {
		f[1] = 1 // an empty block still needs a valid table
	}
	f[256] = 1 // reserves the all-ones code
	var size [257]int
	var next [257]int
	for i := range next {
		next[i] = -1
	}
	for {
		v1, v2 := leastTwo(&f)
		if v2 < 0 {
			break
		}
		f[v1] += f[v2]
		f[v2] = 0
		for size[v1]++; next[v1] >= 0; size[v1]++ {
			v1 = next[v1]
		}
		next[v1] = v2
		for size[v2]++; next[v2] >= 0; size[v2]++ {
			v2 = next[v2]
		}
	}
	var bits [33]int
	for _, s := range size {
		if s > 0 {
			bits[s]++
		}
	}
	limitLengths(&bits)
	spec := &huffSpec{}
	for l := 1; l <= maxCodeLen; l++ {
		spec.counts[l-1] = uint8(bits[l])
	}
	spec.values = orderBySize(&size, bits)
	return spec
}

// leastTwo returns the symbols with the smallest and next smallest non-zero
// frequency; ties go to the larger symbol value, as in Annex K.2.
func leastTwo(f *[257]int) (v1, v2 int) {
	v1, v2 = -1, -1
	for i := range f {
		if f[i] == 0 {
			continue
		}
		switch {
		case v1 < 0 || f[i] <= f[v1]:
			v2, v1 = v1, i
		case v2 < 0 || f[i] <= f[v2]:
			v2 = i
		}
	}
	return v1, v2
}

// limitLengths moves codes longer than 16 bits up the tree (Annex K.3) and
// removes the reserved all-ones code from the longest length.
func limitLengths(bits *[33]int) {
	for i := 32; i > maxCodeLen; i-- {
		for bits[i] > 0 {
			j := i - 2
			for bits[j] == 0 {
				j--
			}
			bits[i] -= 2
			bits[i-1]++
			bits[j+1] += 2
			bits[j]--
		}
	}
	i := maxCodeLen
	for bits[i] == 0 {
		i--
	}
	bits[i]--
}

// orderBySize lists the real symbols (not the reserved one) sorted by their
// provisional code size, then by value, and hands them out to the limited
// length counts in that order.
func orderBySize(size *[257]int, bits [33]int) []uint8 {
	var vals []uint8
	for l := 1; l <= 32; l++ {
		for sym := 0; sym < 256; sym++ {
			if size[sym] == l {
				vals = append(vals, uint8(sym))
			}
		}
	}
	n := 0
	for l := 1; l <= maxCodeLen; l++ {
		n += bits[l]
	}
	return vals[:n]
}

// encoder assigns the canonical codes of a table.
func (s *huffSpec) encoder() *huffEncoder {
	e := &huffEncoder{}
	code, k := uint16(0), 0
	for l := 1; l <= maxCodeLen; l++ {
		for i := 0; i < int(s.counts[l-1]); i++ {
			sym := s.values[k]
			e.code[sym] = code
			e.size[sym] = uint8(l)
			code++
			k++
		}
		code <<= 1
	}
	return e
}
