package wsq

// token is one symbol of the coefficient alphabet with its extra bits.
type token struct {
	sym    uint8
	nextra uint8 // 0, 8 or 16
	extra  uint16
}

// tokenize appends the symbols coding coef. Zero runs end at the block's
// end, as each block is decoded on its own.
func tokenize(tokens []token, coef []int32) []token {
	run := 0
	for _, v := range coef {
		if v == 0 {
			run++
			continue
		}
		tokens = appendRun(tokens, run)
		run = 0
		tokens = appendValue(tokens, v)
	}
	return appendRun(tokens, run)
}

func appendRun(tokens []token, run int) []token {
	for run > 0 {
		n := min(run, 0xFFFF)
		switch {
		case n <= symRunMax:
			tokens = append(tokens, token{sym: uint8(n)})
		case n <= 0xFF:
			tokens = append(tokens, token{sym: symRun8, nextra: 8, extra: uint16(n)})
		default:
			tokens = append(tokens, token{sym: symRun16, nextra: 16, extra: uint16(n)})
		}
		run -= n
	}
	return tokens
}

func appendValue(tokens []token, v int32) []token {
	switch {
	case v >= valueMin && v <= valueMax:
		return append(tokens, token{sym: uint8(v + symValue0)})
	case v > 0xFF:
		return append(tokens, token{sym: symPos16, nextra: 16, extra: uint16(v)})
	case v > 0:
		return append(tokens, token{sym: symPos8, nextra: 8, extra: uint16(v)})
	case v < -0xFF:
		return append(tokens, token{sym: symNeg16, nextra: 16, extra: uint16(-v)})
	default:
		return append(tokens, token{sym: symNeg8, nextra: 8, extra: uint16(-v)})
	}
}

// appendBlocks writes the Huffman tables, block headers and entropy-coded
// data: block 1 with table 0, blocks 2 and 3 sharing table 1.
func (e *Encoder) appendBlocks(b []byte, ends [3]int) []byte {
	e.tokens = e.tokens[:0]
	var tends [3]int
	start := 0
	for i, end := range ends {
		e.tokens = tokenize(e.tokens, e.coef[start:end])
		tends[i] = len(e.tokens)
		start = end
	}
	blocks := [3][]token{e.tokens[:tends[0]], e.tokens[tends[0]:tends[1]], e.tokens[tends[1]:tends[2]]}
	var freq0, freq1 [256]int
	count(&freq0, blocks[0])
	count(&freq1, blocks[1])
	count(&freq1, blocks[2])
	specs := [2]*huffSpec{buildHuffSpec(&freq0), buildHuffSpec(&freq1)}
	for i, blk := range blocks {
		id := min(i, 1)
		if i < 2 {
			b = appendDHT(b, uint8(id), specs[id])
		}
		b = be16(b, markerSOB)
		b = be16(b, 3)
		b = append(b, uint8(id))
		b = appendTokens(b, blk, specs[id].encoder(), e.restartEvery)
	}
	return b
}

func count(freq *[256]int, tokens []token) {
	for _, t := range tokens {
		freq[t.sym]++
	}
}

func appendDHT(b []byte, id uint8, s *huffSpec) []byte {
	b = be16(b, markerDHT)
	b = be16(b, uint16(2+1+maxCodeLen+len(s.values)))
	b = append(b, id)
	b = append(b, s.counts[:]...)
	return append(b, s.values...)
}

// appendTokens codes the tokens; when restartEvery > 0 a restart marker
// follows every restartEvery tokens (used by tests of the decoder).
func appendTokens(b []byte, tokens []token, enc *huffEncoder, restartEvery int) []byte {
	w := bitWriter{buf: b}
	for i, t := range tokens {
		if restartEvery > 0 && i > 0 && i%restartEvery == 0 {
			w.flush()
			w.buf = append(w.buf, 0xFF, 0xB0+byte(i/restartEvery-1)%8)
		}
		w.write(uint32(enc.code[t.sym]), uint(enc.size[t.sym]))
		if t.nextra > 0 {
			w.write(uint32(t.extra), uint(t.nextra))
		}
	}
	w.flush()
	return w.buf
}
