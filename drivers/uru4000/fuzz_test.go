package uru4000

import (
	"errors"
	"testing"
)

// FuzzFrame feeds arbitrary bytes to the frame parser, then descrambles, assembles and
// orients whatever parses, with key exchanges answered from the fuzzed key. Nothing may
// panic, errors must be the package's sentinels, and an accepted frame must give a
// full-size image.
func FuzzFrame(f *testing.F) {
	f.Add(append(header(2, 0, Block{BlockScrambled, 1}, Block{BlockNotPresent, 1}, Block{0, 1}), lineData(2)...), uint32(0x1234abcd))
	f.Add(header(5, 0, Block{BlockScrambled, 5}), uint32(1))
	f.Add([]byte{1, 2, 3}, uint32(0))
	f.Fuzz(func(t *testing.T, b []byte, key uint32) {
		fr, err := ParseFrame(b)
		if err != nil {
			if !errors.Is(err, ErrShortFrame) && !errors.Is(err, ErrBadFrame) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if fr.Lines >= Height || len(fr.Data) != fr.Lines*Width || len(fr.Blocks) > MaxBlocks {
			t.Fatalf("accepted frame out of bounds: %d lines, %d data bytes, %d blocks", fr.Lines, len(fr.Data), len(fr.Blocks))
		}
		exchanges := 0
		err = fr.Descramble(key, func(n byte) (uint32, error) {
			exchanges++
			return key ^ uint32(n)*0x9e3779b9, nil
		})
		if err != nil {
			t.Fatalf("descramble: %v", err)
		}
		if exchanges > MaxBlocks {
			t.Fatalf("%d key exchanges for %d blocks", exchanges, len(fr.Blocks))
		}
		_ = fr.LooksScrambled()
		raw := fr.Assemble()
		if len(raw) != Width*Height {
			t.Fatalf("assembled %d bytes", len(raw))
		}
		Orient(raw)
	})
}
