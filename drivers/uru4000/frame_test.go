package uru4000

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
)

// header builds a frame header for the tests.
func header(lines int, keyNumber byte, blocks ...Block) []byte {
	h := make([]byte, HeaderSize)
	binary.LittleEndian.PutUint16(h[4:], uint16(lines))
	h[6] = keyNumber
	for i, b := range blocks {
		h[16+2*i], h[17+2*i] = b.Flags, byte(b.Lines)
	}
	return h
}

// lineData is n lines whose every byte is the line number plus one.
func lineData(n int) []byte {
	d := make([]byte, n*Width)
	for i := range d {
		d[i] = byte(i/Width + 1)
	}
	return d
}

func TestParseFrame(t *testing.T) {
	full := append(header(3, 7, Block{0x02, 2}, Block{0x01, 1}, Block{0x04, 1}), lineData(3)...)
	fifteen := make([]Block, 16)
	for i := range fifteen {
		fifteen[i] = Block{0, 1}
	}
	tests := []struct {
		name    string
		frame   []byte
		err     error
		lines   int
		key     byte
		nBlocks int
	}{
		{"empty", nil, ErrShortFrame, 0, 0, 0},
		{"half a header", make([]byte, 40), ErrShortFrame, 0, 0, 0},
		{"header only, no lines", header(0, 0), nil, 0, 0, 0},
		{"good", full, nil, 3, 7, 3},
		{"extra bytes ignored", append(append([]byte(nil), full...), 9, 9), nil, 3, 7, 3},
		{"one byte short", full[:len(full)-1], ErrShortFrame, 0, 0, 0},
		{"full image of lines", append(header(Height, 0), lineData(Height)...), ErrBadFrame, 0, 0, 0},
		{"absurd line count", header(0xffff, 0), ErrBadFrame, 0, 0, 0},
		{"zero-line block ends the list", header(0, 0, Block{2, 5}, Block{2, 0}, Block{2, 5}), nil, 0, 0, 1},
		{"at most 15 blocks", header(0, 0, fifteen[:15]...), nil, 0, 0, 15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFrame(tc.frame)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if f.Lines != tc.lines || f.KeyNumber != tc.key || len(f.Blocks) != tc.nBlocks {
				t.Errorf("got lines %d key %d blocks %d, want %d %d %d", f.Lines, f.KeyNumber, len(f.Blocks), tc.lines, tc.key, tc.nBlocks)
			}
			if len(f.Data) != f.Lines*Width {
				t.Errorf("data is %d bytes, want %d", len(f.Data), f.Lines*Width)
			}
		})
	}
}

func TestAssembleRepeatsTheNextLineForMissingBlocks(t *testing.T) {
	f := &Frame{Lines: 4, Blocks: []Block{{0, 1}, {BlockNotPresent, 2}, {0, 3}}, Data: lineData(4)}
	raw := f.Assemble()
	// Sensor lines 0..5 come from data lines 0, 1, 2, 1, 2, 3; the rest stays zero.
	want := []byte{1, 2, 3, 2, 3, 4, 0}
	for y, v := range want {
		if raw[y*Width] != v || raw[y*Width+Width-1] != v {
			t.Errorf("line %d = %d, want %d", y, raw[y*Width], v)
		}
	}
	if raw[len(raw)-1] != 0 {
		t.Errorf("uncovered last line = %d, want 0", raw[len(raw)-1])
	}
}

func TestAssembleStopsAtTheImageEdge(t *testing.T) {
	blocks := []Block{{0, 255}, {0, 255}}
	f := &Frame{Lines: 289, Blocks: blocks, Data: lineData(289)}
	raw := f.Assemble()
	// 510 lines announced, 289 sent: lines 0-288 come from the data, 289 stays empty.
	last := byte(289 % 256)
	if len(raw) != Width*Height || raw[288*Width] != last || raw[289*Width] != 0 {
		t.Fatalf("lines 288, 289 = %d, %d, want %d, 0", raw[288*Width], raw[289*Width], last)
	}
}

func TestOrientRotatesAndInverts(t *testing.T) {
	raw := make([]byte, Width*Height)
	raw[0], raw[1], raw[Width] = 10, 20, 30
	Orient(raw)
	n := len(raw)
	if raw[n-1] != 245 || raw[n-2] != 235 || raw[n-1-Width] != 225 || raw[0] != 255 {
		t.Fatalf("orient: corners %d %d %d %d", raw[n-1], raw[n-2], raw[n-1-Width], raw[0])
	}
}

func TestLooksScrambled(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	noise := make([]byte, 2*Width)
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	smooth := make([]byte, 2*Width)
	for i := range smooth {
		smooth[i] = byte(100 + i%Width/8)
	}
	ridges := make([]byte, 2*Width)
	for i := range ridges {
		ridges[i] = byte(128 + 60*(i/Width)) // a 60-level step between the lines
	}
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"noise", noise, true},
		{"smooth", smooth, false},
		{"ridge edge", ridges, false},
		{"one line", noise[:Width], false},
	}
	for _, tc := range tests {
		f := &Frame{Lines: len(tc.data) / Width, Data: tc.data}
		if got := f.LooksScrambled(); got != tc.want {
			t.Errorf("%s: LooksScrambled = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDescrambleFollowsBlockFlags(t *testing.T) {
	plain := make([]byte, 5*Width)
	for i := range plain {
		plain[i] = byte(i * 7)
	}
	keys := map[byte]uint32{3: 0x12345678, 4: 0x9abcdef0}
	// Blocks: scrambled 1, not present 1 (advances), plain 1 (advances), plain 1
	// keeping the key, change key + scrambled 1, scrambled 1.
	sent := make([]byte, len(plain))
	k := keys[3]
	var s []byte
	s, k = scrambleRef(plain[:Width], k)
	copy(sent, s)
	for range 2 * Width {
		k = refNextKey(k)
	}
	copy(sent[Width:], plain[Width:2*Width])
	copy(sent[2*Width:], plain[2*Width:3*Width])
	k = keys[4]
	s, k = scrambleRef(plain[3*Width:4*Width], k)
	copy(sent[3*Width:], s)
	s, _ = scrambleRef(plain[4*Width:], k)
	copy(sent[4*Width:], s)

	f := &Frame{Lines: 5, KeyNumber: 3, Data: sent, Blocks: []Block{
		{BlockScrambled, 1}, {BlockNotPresent, 1}, {0, 1}, {BlockNoKeyUpdate, 1},
		{BlockChangeKey | BlockScrambled, 1}, {BlockScrambled, 1},
	}}
	var asked []byte
	err := f.Descramble(keys[3], func(n byte) (uint32, error) {
		asked = append(asked, n)
		return keys[n], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(asked, []byte{4}) {
		t.Errorf("key exchanges for %v, want [4]", asked)
	}
	for _, end := range []int{Width, 4 * Width, 5 * Width} {
		plain[end-1] = 0 // lost by the device
	}
	if !bytes.Equal(f.Data, plain) {
		t.Error("descrambled data differs from the plain data")
	}
}

func TestDescrambleReportsAFailedKeyExchange(t *testing.T) {
	f := &Frame{Lines: 1, Data: make([]byte, Width), Blocks: []Block{{BlockChangeKey | BlockScrambled, 1}}}
	boom := errors.New("boom")
	if err := f.Descramble(0, func(byte) (uint32, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
}
