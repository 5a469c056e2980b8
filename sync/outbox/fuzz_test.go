package outbox

import (
	"encoding/hex"
	"errors"
	"testing"
)

// FuzzParseKey feeds arbitrary key-file contents to the parser: a key or ErrKeyFormat, never a panic.
func FuzzParseKey(f *testing.F) {
	f.Add([]byte(hex.EncodeToString(make([]byte, 32)) + "\n"))
	f.Add([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
	f.Add(make([]byte, 32))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parseKey(b); err != nil && !errors.Is(err, ErrKeyFormat) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}

// FuzzOpenSnapshot feeds arbitrary files to the sealed-snapshot reader: either the whole plain
// text after the final chunk authenticated, or an error wrapping ErrSnapshot; never a panic.
// The seed corpus holds snapshots sealed under testSnapKey (empty, one chunk, several chunks).
func FuzzOpenSnapshot(f *testing.F) {
	f.Add(sealBytes(f, testSnapKey, "", nil, minSnapChunk))
	f.Add(sealBytes(f, testSnapKey, "12", []byte("ENRGAL01 gallery"), minSnapChunk))
	f.Add([]byte(snapMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, err := openBytes(testSnapKey, b)
		if err != nil && !errors.Is(err, ErrSnapshot) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}
