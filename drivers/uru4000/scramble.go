package uru4000

import "fmt"

// keyTaps are the register bits whose parity feeds bit 31 on each step.
const keyTaps = 0x9248144d

// nextKey advances the scrambling register by one step: the parity of the tapped bits
// shifts in at the top (the prefix-XOR below folds every bit of b into bit 31).
func nextKey(k uint32) uint32 {
	b := k & keyTaps
	b ^= b << 16
	b ^= b << 8
	b ^= b << 4
	b ^= b << 2
	b ^= b << 1
	return b&0x80000000 | k>>1
}

// keyByte packs bits 4, 8, 11, 14, 18, 21, 24 and 29 of k, LSB first, into the byte
// the data is XORed with.
func keyByte(k uint32) byte {
	return byte(k>>4&1 |
		k>>8&1<<1 |
		k>>11&1<<2 |
		k>>14&1<<3 |
		k>>18&1<<4 |
		k>>21&1<<5 |
		k>>24&1<<6 |
		k>>29&1<<7)
}

// skipKey advances k by n steps, as the device does over a block it does not scramble.
func skipKey(k uint32, n int) uint32 {
	for range n {
		k = nextKey(k)
	}
	return k
}

// descrambleBlock descrambles one scrambled block in place and returns the key that
// follows it. The device sends each block shifted by one byte, so out[i] = in[i+1] ^ x;
// the block's last byte is lost and comes back as zero.
func descrambleBlock(data []byte, k uint32) uint32 {
	n := len(data)
	if n == 0 {
		return k
	}
	for i := 0; i < n-1; i++ {
		x := keyByte(k)
		k = nextKey(k)
		data[i] = data[i+1] ^ x
	}
	data[n-1] = 0
	return nextKey(k)
}

// Rekey performs a key exchange for key number n and returns the device key.
type Rekey func(n byte) (uint32, error)

// Descramble descrambles the frame's data in place, starting with key (the key for
// f.KeyNumber). A block flagged "change key" bumps the key number and calls rekey for
// the new key before it is decoded. Blocks whose lines are not present advance the
// key as their flags say without touching the data.
func (f *Frame) Descramble(key uint32, rekey Rekey) error {
	line, keyNumber := 0, f.KeyNumber
	for i := 0; i < len(f.Blocks) && line < f.Lines; i++ {
		bl := f.Blocks[i]
		if bl.Flags&BlockChangeKey != 0 {
			keyNumber++
			k, err := rekey(keyNumber)
			if err != nil {
				return fmt.Errorf("uru4000: block %d changes to key %d: %w", i, keyNumber, err)
			}
			key = k
		}
		present := bl.Flags&BlockNotPresent == 0
		switch bl.Flags & (BlockNoKeyUpdate | BlockScrambled) {
		case BlockScrambled:
			if present {
				end := min(line+bl.Lines, f.Lines)
				key = descrambleBlock(f.Data[line*Width:end*Width], key)
			} else {
				key = skipKey(key, bl.Lines*Width)
			}
		case 0:
			key = skipKey(key, bl.Lines*Width)
		}
		if present {
			line += bl.Lines
		}
	}
	return nil
}

// Assemble lays the frame's lines out as the sensor saw them: Height lines of Width
// pixels, a not-present block filled with the lines that follow it. Lines the frame
// does not cover stay zero. The result is still upside down and inverted; see Orient.
func (f *Frame) Assemble() []byte {
	raw := make([]byte, Width*Height)
	from, to := 0, 0
	for _, bl := range f.Blocks {
		if to >= Height {
			break
		}
		n := min(bl.Lines, Height-to)
		if from < f.Lines {
			src := f.Data[from*Width : min(from+n, f.Lines)*Width]
			copy(raw[to*Width:], src)
		}
		if bl.Flags&BlockNotPresent == 0 {
			from += bl.Lines
		}
		to += bl.Lines
	}
	return raw
}

// Orient turns an assembled sensor image into the finished one in place: rotated by
// 180° (which, row-major, is reversing the pixel order) and with inverted grey levels.
func Orient(raw []byte) {
	for i, j := 0, len(raw)-1; i <= j; i, j = i+1, j-1 {
		raw[i], raw[j] = 255-raw[j], 255-raw[i]
	}
}
