package uru4000

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// refNextKey is the register step written as "shift right, parity of the taps in at
// bit 31", to check the prefix-XOR form of nextKey.
func refNextKey(k uint32) uint32 { return uint32(bits.OnesCount32(k&keyTaps)&1)<<31 | k>>1 }

// refKeyByte gathers the XOR byte bit by bit.
func refKeyByte(k uint32) byte {
	var x byte
	for i, b := range []uint{4, 8, 11, 14, 18, 21, 24, 29} {
		if k&(1<<b) != 0 {
			x |= 1 << i
		}
	}
	return x
}

func TestKeyStepMatchesParityForm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		k := r.Uint32()
		if got, want := nextKey(k), refNextKey(k); got != want {
			t.Fatalf("nextKey(%#08x) = %#08x, want %#08x", k, got, want)
		}
		if got, want := keyByte(k), refKeyByte(k); got != want {
			t.Fatalf("keyByte(%#08x) = %#02x, want %#02x", k, got, want)
		}
	}
}

func TestKeyVectors(t *testing.T) {
	// Worked by hand: 0x9248144d has 11 bits set, so stepping 0xffffffff feeds a 1.
	tests := []struct {
		k        uint32
		next     uint32
		xorByte  byte
		describe string
	}{
		{0x00000000, 0x00000000, 0x00, "all zero stays zero"},
		{0xffffffff, 0xffffffff, 0xff, "odd tap count feeds a one"},
		{0x00000001, 0x80000000, 0x00, "bit 0 is a tap"},
		{0x00000002, 0x00000001, 0x00, "bit 1 is no tap"},
		{0x00000010, 0x00000008, 0x01, "bit 4 is mask bit 0, no tap"},
		{0x20000000, 0x10000000, 0x80, "bit 29 is mask bit 7, no tap"},
		{0x00000004, 0x80000002, 0x00, "bit 2 is a tap"},
	}
	for _, tc := range tests {
		if got := nextKey(tc.k); got != tc.next {
			t.Errorf("%s: nextKey(%#08x) = %#08x, want %#08x", tc.describe, tc.k, got, tc.next)
		}
		if got := keyByte(tc.k); got != tc.xorByte {
			t.Errorf("%s: keyByte(%#08x) = %#02x, want %#02x", tc.describe, tc.k, got, tc.xorByte)
		}
	}
}

// scrambleRef scrambles plain as the device does, for the tests in this package.
func scrambleRef(plain []byte, k uint32) ([]byte, uint32) {
	out := make([]byte, len(plain))
	out[0] = 0xa5
	for i := 0; i < len(plain)-1; i++ {
		out[i+1] = plain[i] ^ refKeyByte(k)
		k = refNextKey(k)
	}
	return out, refNextKey(k)
}

func TestDescrambleBlockLosesOnlyTheLastByte(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, Width, 5 * Width} {
		plain := make([]byte, n)
		for i := range plain {
			plain[i] = byte(r.Uint32())
		}
		k := r.Uint32()
		sent, wantKey := scrambleRef(plain, k)
		gotKey := descrambleBlock(sent, k)
		if gotKey != wantKey {
			t.Errorf("n=%d: key after block %#08x, want %#08x", n, gotKey, wantKey)
		}
		want := append(append([]byte(nil), plain[:n-1]...), 0)
		if !bytes.Equal(sent, want) {
			t.Errorf("n=%d: descrambled block differs from the plain one beyond its last byte", n)
		}
	}
}

func TestSkipKeyIsRepeatedStep(t *testing.T) {
	k := uint32(0xdeadbeef)
	want := k
	for range 1000 {
		want = refNextKey(want)
	}
	if got := skipKey(k, 1000); got != want {
		t.Fatalf("skipKey = %#08x, want %#08x", got, want)
	}
}
