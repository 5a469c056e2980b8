package emu

import (
	"encoding/binary"
	"math/rand/v2"
)

// imageMagic starts every emulated firmware image.
const imageMagic = "EMUFW"

// Image builds an emulated firmware image of size bytes (at least 7) reporting version
// bcd, filled with deterministic pseudo-random bytes from seed.
func Image(bcd uint16, size int, seed uint64) []byte {
	size = max(size, len(imageMagic)+2)
	b := make([]byte, size)
	copy(b, imageMagic)
	binary.BigEndian.PutUint16(b[len(imageMagic):], bcd)
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i := len(imageMagic) + 2; i < size; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

// imageVersion reads the version of an emulated image; ok is false for anything else.
func imageVersion(b []byte) (uint16, bool) {
	if len(b) < len(imageMagic)+2 || string(b[:len(imageMagic)]) != imageMagic {
		return 0, false
	}
	return binary.BigEndian.Uint16(b[len(imageMagic):]), true
}
