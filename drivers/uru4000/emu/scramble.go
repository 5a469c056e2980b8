package emu

import "math/bits"

// The reader's scrambling register, written from the protocol description
// independently of the driver's descrambler.

// taps are the register bits whose parity enters at bit 31 on every step.
const taps = 0x9248144d

// maskBits are the register bits that make up the XOR byte, least significant first.
var maskBits = [8]uint{4, 8, 11, 14, 18, 21, 24, 29}

// step advances the register by one.
func step(k uint32) uint32 {
	return uint32(bits.OnesCount32(k&taps)&1)<<31 | k>>1
}

// mask is the byte the current register value XORs into the data.
func mask(k uint32) byte {
	var x byte
	for i, b := range maskBits {
		x |= byte(k>>b&1) << i
	}
	return x
}

// scrambleBlock writes plain, scrambled with key k, into dst (same length) as the
// reader does: dst[i+1] = plain[i] ^ mask, so the block's last plain byte is never
// sent and dst[0] carries a byte of no meaning. It returns the key after the block.
func scrambleBlock(dst, plain []byte, k uint32) uint32 {
	n := len(plain)
	if n == 0 {
		return k
	}
	dst[0] = byte(k >> 13)
	for i := 0; i < n-1; i++ {
		dst[i+1] = plain[i] ^ mask(k)
		k = step(k)
	}
	return step(k)
}

// advance steps the register n times, as the reader does over a plain block that
// does not keep the key.
func advance(k uint32, n int) uint32 {
	for range n {
		k = step(k)
	}
	return k
}

// deviceKey derives the reader's key for key number n from its secret (a splitmix64
// round, so every number gets an unrelated key).
func deviceKey(secret uint64, n byte) uint32 {
	z := secret + uint64(n+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return uint32(z ^ z>>31)
}
