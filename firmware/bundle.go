package firmware

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
)

// bundleMagic starts every bundle file.
const bundleMagic = "ENRFWB1\n"

// maxManifest bounds the manifest so a hostile file cannot make us allocate much.
const maxManifest = 64 << 10

// MaxPayload bounds a payload (capture-device firmware is kilobytes to a few megabytes).
const MaxPayload = 64 << 20

// signingContext is prefixed to the canonical manifest before signing, so a firmware
// signature can never be confused with a signature made for another purpose.
const signingContext = "enrolld firmware manifest v1\n"

// Bundle is a parsed firmware bundle. Parse only checks the structure; Check verifies it.
type Bundle struct {
	Manifest  Manifest // the decoded manifest
	Canonical []byte   // the manifest bytes as stored (what the signature covers)
	KeyID     string   // hex of the first 8 bytes of SHA-256 of the signer's public key
	Signature []byte   // Ed25519 signature over the signing context and Canonical
	Payload   []byte   // the firmware image the manifest describes
}

// KeyID names an Ed25519 public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Sign makes a bundle from a manifest (its size and hash are filled in from payload)
// and a payload, signed with key.
func Sign(m Manifest, payload []byte, key ed25519.PrivateKey) (*Bundle, error) {
	sum := sha256.Sum256(payload)
	m.PayloadSize = int64(len(payload))
	m.PayloadSHA256 = hex.EncodeToString(sum[:])
	if err := m.Validate(); err != nil {
		return nil, err
	}
	canon, err := m.Canonical()
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(key, append([]byte(signingContext), canon...))
	return &Bundle{Manifest: m, Canonical: canon, KeyID: KeyID(key.Public().(ed25519.PublicKey)), Signature: sig, Payload: payload}, nil
}

// Encode writes the bundle: magic, then length-prefixed (u32 big-endian) manifest,
// key id and signature, then the u64-prefixed payload.
func (b *Bundle) Encode(w io.Writer) error {
	var buf bytes.Buffer
	buf.WriteString(bundleMagic)
	for _, part := range [][]byte{b.Canonical, []byte(b.KeyID), b.Signature} {
		buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(part))))
		buf.Write(part)
	}
	buf.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b.Payload))))
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	_, err := w.Write(b.Payload)
	return err
}

// IsBundle reports whether data starts like a bundle (rather than a plain .dfu file).
func IsBundle(data []byte) bool { return bytes.HasPrefix(data, []byte(bundleMagic)) }

// ParseBundle reads a bundle's structure. It never trusts lengths beyond the data.
func ParseBundle(data []byte) (*Bundle, error) {
	r := &reader{data: data}
	if string(r.next(len(bundleMagic))) != bundleMagic {
		return nil, fmt.Errorf("%w: not a firmware bundle (bad magic)", ErrMalformed)
	}
	canon := r.part32(maxManifest, "manifest")
	keyID := r.part32(64, "key id")
	sig := r.part32(ed25519.SignatureSize, "signature")
	payload := r.part64(MaxPayload, "payload")
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(data) {
		return nil, fmt.Errorf("%w: %d trailing bytes at offset %d", ErrMalformed, len(data)-r.off, r.off)
	}
	b := &Bundle{Canonical: canon, KeyID: string(keyID), Signature: sig, Payload: payload}
	if err := json.Unmarshal(canon, &b.Manifest); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrMalformed, err)
	}
	if err := b.Manifest.Validate(); err != nil {
		return nil, err
	}
	return b, nil
}

// reader walks a byte slice; the first failure sticks in err.
type reader struct {
	data []byte
	off  int
	err  error
}

func (r *reader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.data)-r.off {
		r.err = fmt.Errorf("%w: truncated at offset %d (want %d more bytes)", ErrMalformed, r.off, n)
		return nil
	}
	p := r.data[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) part32(limit int, what string) []byte {
	h := r.next(4)
	if h == nil {
		return nil
	}
	n := binary.BigEndian.Uint32(h)
	if int64(n) > int64(limit) {
		r.err = fmt.Errorf("%w: %s length %d over the limit %d at offset %d", ErrMalformed, what, n, limit, r.off-4)
		return nil
	}
	return r.next(int(n))
}

func (r *reader) part64(limit int, what string) []byte {
	h := r.next(8)
	if h == nil {
		return nil
	}
	n := binary.BigEndian.Uint64(h)
	if n > uint64(limit) {
		r.err = fmt.Errorf("%w: %s length %d over the limit %d at offset %d", ErrMalformed, what, n, limit, r.off-8)
		return nil
	}
	return r.next(int(n))
}
