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
