package wsq

// Symbols of the coefficient alphabet.
const (
	symRunMax   = 100 // 1..100: run of that many zero coefficients
	symPos8     = 101 // escape: positive coefficient in the next 8 bits
	symNeg8     = 102 // escape: negative coefficient, magnitude in 8 bits
	symPos16    = 103 // escape: positive coefficient in 16 bits
	symNeg16    = 104 // escape: negative coefficient, magnitude in 16 bits
	symRun8     = 105 // escape: zero run length in the next 8 bits
	symRun16    = 106 // escape: zero run length in the next 16 bits
	symValue0   = 180 // 107..254 code coefficient symbol-180
	valueMin    = -73
	valueMax    = 74
	symValueMin = symValue0 + valueMin
	symValueMax = symValue0 + valueMax
)

// block decodes one SOB segment and its entropy-coded data. at is the
// offset of the SOB marker.
func (p *parser) block(at int) error {
	body, _, err := p.segment("SOB")
	if err != nil {
		return err
	}
	if len(body) != 1 {
		return formatErr("SOB", at, ErrFormat, "block header is %d bytes, want 1", len(body))
	}
	if err := p.startBlocks(at); err != nil {
		return err
	}
	id := body[0]
	if int(id) >= len(p.huff) || !p.huff[id].defined {
		return formatErr("SOB", at+4, ErrFormat, "block uses undefined Huffman table %d", id)
	}
	start := p.pos
	end, err := p.entropyEnd()
	if err != nil {
		return err
	}
	p.pos = end
	// Restart markers split the data into intervals that each start on a
	// byte boundary.
	for start < end {
		stop := restartAt(p.data[:end], start)
		if err := p.decodeCoefficients(&p.huff[id], p.data[start:stop], start); err != nil {
			return err
		}
		start = stop + 2
	}
	return nil
}

// startBlocks prepares the coefficient buffer at the first block.
func (p *parser) startBlocks(at int) error {
	if p.layout != nil {
		return nil
	}
	switch {
	case p.synth == nil:
		return formatErr("SOB", at, ErrFormat, "block before the transform table (DTT)")
	case !p.haveDQT:
		return formatErr("SOB", at, ErrFormat, "block before the quantisation table (DQT)")
	}
	f := p.frame
	p.layout = newLayout(f.width, f.height)
	for k := 0; k < codedSubbands; k++ {
		if p.q[k] != 0 {
			r := p.layout.subbands[k]
			p.total += r.w * r.h
		}
	}
	d := p.d
	if cap(d.coef) < p.total {
		d.coef = make([]int32, p.total)
	}
	d.coef = d.coef[:p.total]
	return nil
}

// isRestart reports whether 0xFF b is a restart marker RSTm (0xFFB0 to
// 0xFFB7, modulo-8 count m). The reference decoder does not implement
// restart intervals; this decoder accepts them anywhere in a block.
func isRestart(b byte) bool { return b&0xF8 == 0xB0 }

// restartAt returns the offset of the first restart marker in data at or
// after start, or len(data).
func restartAt(data []byte, start int) int {
	for i := start; i+1 < len(data); i++ {
		if data[i] == 0xFF {
			if isRestart(data[i+1]) {
				return i
			}
			i++
		}
	}
	return len(data)
}

// entropyEnd finds the marker ending the entropy-coded data at p.pos.
func (p *parser) entropyEnd() (int, error) {
	data := p.data
	for i := p.pos; i < len(data); i++ {
		if data[i] != 0xFF {
			continue
		}
		if i+1 >= len(data) {
			break
		}
		if data[i+1] != 0 && !isRestart(data[i+1]) {
			return i, nil
		}
		i++
	}
	return 0, formatErr("SOB", p.pos, ErrTruncated, "entropy-coded data starting here is not followed by a marker")
}

// decodeCoefficients decodes symbols until the data ends or every
// coefficient has been read. start is the file offset of the data, used in
// error messages.
func (p *parser) decodeCoefficients(h *huffDecoder, data []byte, start int) error {
	br := bitReader{data: data}
	coef := p.d.coef
	n := p.ncoef
	defer func() { p.ncoef = n }()
	for n < len(coef) {
		sym, st := h.decode(&br)
		if st == symEnd {
			return nil
		}
		where := start + br.offset()
		if st == symBad {
			return formatErr("SOB", where, ErrFormat, "bits match no Huffman code (coefficient %d)", n)
		}
		var run int
		var val int32
		isRun := false
		switch {
		case sym >= 1 && sym <= symRunMax:
			run, isRun = int(sym), true
		case sym == symRun8 || sym == symRun16 || (sym >= symPos8 && sym <= symNeg16):
			width := uint(8)
			if sym == symRun16 || sym == symPos16 || sym == symNeg16 {
				width = 16
			}
			v, ok := br.read(width)
			if !ok {
				return formatErr("SOB", where, ErrTruncated, "data ends inside the extra bits of symbol %d", sym)
			}
			switch sym {
			case symRun8, symRun16:
				run, isRun = int(v), true
			case symNeg8, symNeg16:
				val = -int32(v)
			default:
				val = int32(v)
			}
		case sym >= symValueMin && sym <= symValueMax:
			val = int32(sym) - symValue0
		default:
			return formatErr("SOB", where, ErrFormat, "symbol %d is not in the coefficient alphabet", sym)
		}
		if isRun {
			if run > len(coef)-n {
				return formatErr("SOB", where, ErrFormat, "zero run of %d passes the %d coefficients of the image", run, len(coef))
			}
			clear(coef[n : n+run])
			n += run
			continue
		}
		coef[n] = val
		n++
	}
	return nil
}
