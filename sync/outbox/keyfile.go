package outbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Key-file errors, each with a message that tells a technician what to do.
var (
	ErrKeyMissing = errors.New("outbox: key file missing (create one with `enrollctl keys init`)")
	ErrKeyPerm    = errors.New("outbox: key file readable by others (chmod 600 it)")
	ErrKeyFormat  = errors.New("outbox: key file must hold 32 bytes, raw or as 64 hex digits")
	ErrWrongKey   = errors.New("outbox: key does not open this data directory (wrong key file?)")
)

// LoadKeyFile reads the 32-byte at-rest key from path. The file must have mode 0600 (or
// stricter) and hold either 32 raw bytes or 64 hex digits with an optional trailing newline.
func LoadKeyFile(path string) ([32]byte, error) {
	var key [32]byte
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return key, fmt.Errorf("%w: %s", ErrKeyMissing, path)
	}
	if err != nil {
		return key, fmt.Errorf("outbox: key file %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return key, fmt.Errorf("%w: %s has mode %v", ErrKeyPerm, path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return key, fmt.Errorf("outbox: key file %s: %w", path, err)
	}
	key, err = parseKey(b)
	if err != nil {
		return key, fmt.Errorf("%w: %s", err, path)
	}
	return key, nil
}

// parseKey reads 32 raw bytes or 64 hex digits (surrounding white space allowed).
func parseKey(b []byte) ([32]byte, error) {
	var key [32]byte
	switch t := strings.TrimSpace(string(b)); {
	case len(b) == 32:
		copy(key[:], b)
	case len(t) == 64:
		raw, err := hex.DecodeString(t)
		if err != nil {
			return key, fmt.Errorf("%w (%v)", ErrKeyFormat, err)
		}
		copy(key[:], raw)
	default:
		return key, fmt.Errorf("%w (%d bytes)", ErrKeyFormat, len(b))
	}
	if key == ([32]byte{}) {
		return key, fmt.Errorf("%w (all zero)", ErrKeyFormat)
	}
	return key, nil
}

// CreateKeyFile writes a new random key to path as hex with mode 0600. It refuses to overwrite
// an existing file: losing the key loses the queue.
func CreateKeyFile(path string) error {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("outbox: create key file: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key[:]) + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("outbox: write key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
