package emu

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/enrolld/enrolld/drivers/uru4000"
)

// sensorLines turns the window (finished orientation) into what the sensor sends:
// upside down and with inverted grey levels.
func sensorLines(window []byte) []byte {
	raw := make([]byte, len(window))
	for i, v := range window {
		raw[len(raw)-1-i] = 255 - v
	}
	return raw
}

// frame builds the next frame: header, then the present lines, scrambled block by
// block as the layout says. A change-key block moves the reader to the next key
// number for good. Armed "scan failed" and "short frame" faults spoil it.
// Called with mu held.
func (e *Emulator) frame() []byte {
	const w = uru4000.Width
	raw := sensorLines(e.window)
	present := 0
	for _, b := range e.opts.Layout {
		if b.Flags&uru4000.BlockNotPresent == 0 {
			present += b.Lines
		}
	}
	out := make([]byte, uru4000.HeaderSize+present*w)
	binary.LittleEndian.PutUint16(out[4:], uint16(present))
	out[6] = e.keyNumber
	for i, b := range e.opts.Layout {
		out[16+2*i], out[17+2*i] = b.Flags, byte(b.Lines)
	}
	data := out[uru4000.HeaderSize:]
	k := deviceKey(e.opts.Secret, e.keyNumber)
	src, dst := 0, 0
	for _, b := range e.opts.Layout {
		if b.Flags&uru4000.BlockChangeKey != 0 {
			e.keyNumber++
			k = deviceKey(e.opts.Secret, e.keyNumber)
		}
		n := b.Lines * w
		keeps := b.Flags&uru4000.BlockNoKeyUpdate != 0
		if b.Flags&uru4000.BlockNotPresent != 0 {
			if !keeps {
				k = advance(k, n)
			}
			src += b.Lines
			continue
		}
		plain, sent := raw[src*w:src*w+n], data[dst*w:dst*w+n]
		switch {
		case keeps:
			copy(sent, plain)
		case b.Flags&uru4000.BlockScrambled != 0 && !e.opts.Plain:
			k = scrambleBlock(sent, plain, k)
		default:
			copy(sent, plain)
			k = advance(k, n)
		}
		src += b.Lines
		dst += b.Lines
	}
	e.stats.Frames++
	if e.garbageNext {
		e.garbageNext = false
		noise := rand.New(rand.NewPCG(uint64(e.stats.Frames), e.opts.Secret))
		for i := range data {
			data[i] = byte(noise.Uint32())
		}
	}
	if e.take(FaultShortFrame, 0) {
		out = out[:uru4000.HeaderSize+present/3*w+17]
	}
	return out
}
