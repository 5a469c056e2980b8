package outbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A sealed snapshot is a stream (the matcher gallery's snapshot, say) encrypted and
// authenticated under the station's at-rest key, so that biometric data never lies on disk
// in plain text. Layout:
//
//	header  "ENRSNAP1" | chunk size u32 | cursor length u16 | zero u16 | salt [32] | key check [16] | cursor
//	chunks  AES-256-GCM(plain chunk) | tag [16] …
//
// The snapshot key is derived from the station key with its own label; each file derives
// its own chunk key from the snapshot key and its whole header (random salt, chunk size,
// cursor), so a changed header, or a chunk taken from another file, fails authentication.
// The nonce of chunk i is i (u64, big-endian) followed by a final flag (u32): every chunk
// but the last holds exactly the chunk size and is not final; the last holds fewer bytes
// (possibly none) and is final. Reordered, dropped, repeated or truncated chunks therefore
// fail too. The key check (an HMAC of the salt under the snapshot key) tells a wrong key
// apart from damage.
const (
	snapMagic        = "ENRSNAP1"
	snapFixedHeader  = 64
	snapTagSize      = 16
	snapKeyLabel     = "gallery snapshot v1"
	maxSnapCursor    = 1024
	minSnapChunk     = 64
	maxSnapChunk     = 16 << 20
	defaultSnapChunk = 1 << 20
)

// ErrSnapshot means a sealed snapshot was rejected: it is not one, it was damaged, truncated
// or tampered with, or (also wrapping ErrWrongKey) it was sealed under another key. The
// message names what and where.
var ErrSnapshot = errors.New("outbox: sealed snapshot rejected")

// SnapshotWriter seals a stream into a sealed snapshot; Close writes the final chunk. It does
// not close the underlying writer.
type SnapshotWriter struct {
	w      io.Writer
	aead   cipher.AEAD
	buf    []byte // pending plain text, capacity chunk+tag
	chunk  int
	index  uint64
	err    error
	closed bool
}

// SealSnapshot starts a sealed snapshot on w under the store's key, recording cursor (at
// most 1 KiB; the register-slice cursor the contents correspond to) in its header.
func (s *Store) SealSnapshot(w io.Writer, cursor string) (*SnapshotWriter, error) {
	return newSnapshotWriter(w, snapshotKey(s.opt.Key), cursor, defaultSnapChunk)
}

// snapshotKey derives the key of sealed snapshots from the station's at-rest key.
func snapshotKey(master [32]byte) []byte { return deriveKey(master, snapKeyLabel) }

func newSnapshotWriter(w io.Writer, key []byte, cursor string, chunk int) (*SnapshotWriter, error) {
	if len(cursor) > maxSnapCursor {
		return nil, fmt.Errorf("outbox: snapshot cursor of %d bytes (at most %d)", len(cursor), maxSnapCursor)
	}
	if chunk < minSnapChunk || chunk > maxSnapChunk {
		return nil, fmt.Errorf("outbox: snapshot chunk size %d outside %d..%d", chunk, minSnapChunk, maxSnapChunk)
	}
	hdr := make([]byte, snapFixedHeader, snapFixedHeader+len(cursor))
	copy(hdr, snapMagic)
	binary.LittleEndian.PutUint32(hdr[8:], uint32(chunk))
	binary.LittleEndian.PutUint16(hdr[12:], uint16(len(cursor)))
	if _, err := rand.Read(hdr[16:48]); err != nil {
		return nil, fmt.Errorf("outbox: snapshot salt: %w", err)
	}
	copy(hdr[48:64], keyCheck(key, hdr[16:48]))
	hdr = append(hdr, cursor...)
	aead, err := chunkAEAD(key, hdr)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(hdr); err != nil {
		return nil, err
	}
	return &SnapshotWriter{w: w, aead: aead, buf: make([]byte, 0, chunk+snapTagSize), chunk: chunk}, nil
}

// keyCheck is the header's key check value: it proves the reader holds the writer's key.
func keyCheck(key, salt []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("key check\x00"))
	m.Write(salt)
	return m.Sum(nil)[:16]
}

// chunkAEAD derives the file's chunk key from the snapshot key and the whole header.
func chunkAEAD(key, hdr []byte) (cipher.AEAD, error) {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("chunk key\x00"))
	m.Write(hdr)
	b, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// chunkNonce is the nonce of chunk i.
func chunkNonce(i uint64, final bool) []byte {
	var n [12]byte
	binary.BigEndian.PutUint64(n[:8], i)
	if final {
		n[11] = 1
	}
	return n[:]
}

// Write buffers p, sealing and writing every full chunk.
func (sw *SnapshotWriter) Write(p []byte) (int, error) {
	if sw.err != nil {
		return 0, sw.err
	}
	if sw.closed {
		return 0, errors.New("outbox: write to a closed snapshot writer")
	}
	n := 0
	for len(p) > 0 {
		k := min(len(p), sw.chunk-len(sw.buf))
		sw.buf = append(sw.buf, p[:k]...)
		p, n = p[k:], n+k
		if len(sw.buf) == sw.chunk {
			if err := sw.flush(false); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// flush seals and writes the pending chunk.
func (sw *SnapshotWriter) flush(final bool) error {
	out := sw.aead.Seal(sw.buf[:0], chunkNonce(sw.index, final), sw.buf, nil)
	sw.index++
	sw.buf = sw.buf[:0]
	if _, err := sw.w.Write(out); err != nil {
		sw.err = err
		return err
	}
	return nil
}

// Close seals and writes the final chunk (the rest of the stream, possibly empty).
func (sw *SnapshotWriter) Close() error {
	if sw.err != nil || sw.closed {
		return sw.err
	}
	sw.closed = true
	return sw.flush(true)
}
