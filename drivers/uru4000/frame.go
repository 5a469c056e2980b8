package uru4000

import (
	"encoding/binary"
	"fmt"
)

// Block is one entry of a frame header's block list: Lines lines sharing Flags.
type Block struct {
	Flags byte
	Lines int
}

// Frame is a parsed frame as the reader sends it on the bulk endpoint.
type Frame struct {
	// Lines is the number of lines present in Data (header bytes 4-5).
	Lines int
	// KeyNumber is the number of the key the frame is scrambled with (header byte 6).
	KeyNumber byte
	// Blocks is the block list up to (not including) the first block of zero lines.
	Blocks []Block
	// Data holds Lines lines of Width bytes; it aliases the buffer given to ParseFrame.
	Data []byte
}

// Header offsets.
const (
	offLines     = 4
	offKeyNumber = 6
	offBlocks    = 16
)

// ParseFrame parses a frame received from the bulk endpoint. The returned frame's Data
// aliases b. A frame shorter than its header announces wraps ErrShortFrame; a frame
// announcing a full image or more lines wraps ErrBadFrame (the reader always leaves at
// least one line out).
func ParseFrame(b []byte) (*Frame, error) {
	if len(b) < HeaderSize {
		return nil, fmt.Errorf("%w: %d bytes, less than the %d-byte header", ErrShortFrame, len(b), HeaderSize)
	}
	f := &Frame{
		Lines:     int(binary.LittleEndian.Uint16(b[offLines:])),
		KeyNumber: b[offKeyNumber],
	}
	if f.Lines >= Height {
		return nil, fmt.Errorf("%w: header announces %d lines, at most %d fit", ErrBadFrame, f.Lines, Height-1)
	}
	if need := HeaderSize + f.Lines*Width; len(b) < need {
		return nil, fmt.Errorf("%w: %d bytes, header announces %d lines (%d bytes)", ErrShortFrame, len(b), f.Lines, need)
	}
	f.Data = b[HeaderSize : HeaderSize+f.Lines*Width]
	for i := range MaxBlocks {
		flags, lines := b[offBlocks+2*i], b[offBlocks+2*i+1]
		if lines == 0 {
			break
		}
		f.Blocks = append(f.Blocks, Block{Flags: flags, Lines: int(lines)})
	}
	return f, nil
}

// LooksScrambled reports whether the frame's data looks scrambled: the mean squared
// difference between its first two lines is at least 5000 (noise gives about 10900,
// a fingerprint a few hundred).
func (f *Frame) LooksScrambled() bool {
	if f.Lines < 2 {
		return false
	}
	a, b := f.Data[:Width], f.Data[Width:2*Width]
	sum := 0
	for i := range Width {
		d := int(a[i]) - int(b[i])
		sum += d * d
	}
	return sum/Width >= scrambledThreshold
}
