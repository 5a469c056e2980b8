// Package packet defines the immutable unit a station sends to the centre: one packet per
// finished enrollment.
//
// A packet is a manifest plus payload parts. The manifest names the packet (a time-ordered id
// joined to the SHA-256 of the content, so ids sort by creation time and commit to the bytes),
// the station and operator, the capture times, a monotonic per-station counter and the hash of
// the station's previous packet (a hash chain: the centre can prove nothing was dropped or
// reordered). Parts are opaque bytes with a content type (for example an ANSI/NIST-ITL
// transaction); the manifest lists each part's type, size and SHA-256.
//
// Everything is encoded canonically (fixed field order, minimal varints, length-prefixed byte
// strings, no optional fields), so one packet has exactly one encoding and a signature over it
// is meaningful. The station signs the manifest with its Ed25519 key and then seals the whole
// packet to the centre's age (X25519) recipient: once sealed, not even the station can read it.
//
// The centre answers every accepted upload with a Receipt: the packet id, content hash, station
// id and the request's nonce, signed with the centre's Ed25519 receipt key. A station purges a
// packet only after storing a receipt it has verified.
package packet

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors callers branch on.
var (
	// ErrMalformed reports bytes that are not a canonical packet or receipt.
	ErrMalformed = errors.New("packet: malformed")
	// ErrSignature reports a signature that does not verify.
	ErrSignature = errors.New("packet: bad signature")
	// ErrHash reports content whose hash differs from what the manifest or id claims.
	ErrHash = errors.New("packet: content hash mismatch")
	// ErrMismatch reports a receipt that is valid but for something else (id, hash, station, nonce).
	ErrMismatch = errors.New("packet: receipt does not match")
)

const packetMagic = "ENRP\x00\x01"

// Part is one opaque payload with its content type (a MIME type).
type Part struct {
	ContentType string
	Data        []byte
}

// PartInfo describes a part inside the manifest.
type PartInfo struct {
	ContentType string
	Size        uint64
	SHA256      [32]byte
}

// Manifest is the signed description of a packet.
type Manifest struct {
	ID           string      // TimeID + "-" + hex(ContentHash)
	ContentHash  [32]byte    // SHA-256 over the canonical encoding of the parts
	StationID    string      // the station that made it (its certificate's common name)
	OperatorID   string      // who enrolled (pseudonymous operator id)
	Created      time.Time   // when the packet was built
	CaptureTimes []time.Time // when each sample was captured
	Counter      uint64      // monotonic per station, starting at 1
	PrevHash     [32]byte    // Hash() of the station's previous packet; zero for the first
	Parts        []PartInfo
}

// Packet is a signed manifest plus its parts.
type Packet struct {
	Manifest  Manifest
	Parts     []Part
	Signature []byte // Ed25519 over the manifest's canonical encoding
}

// NewTimeID returns a 32-hex-digit id whose first 12 digits are the Unix time in milliseconds,
// so ids sort by time, followed by 80 random bits.
func NewTimeID(now time.Time) (string, error) {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	if _, err := rand.Read(b[6:]); err != nil {
		return "", fmt.Errorf("packet: time id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// ContentHash returns the SHA-256 over the canonical encoding of parts.
func ContentHash(parts []Part) [32]byte {
	h := sha256.New()
	var e encoder
	e.uvarint(uint64(len(parts)))
	h.Write(e.b)
	for _, p := range parts {
		e.b = e.b[:0]
		e.str(p.ContentType)
		e.uvarint(uint64(len(p.Data)))
		h.Write(e.b)
		h.Write(p.Data)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// Build fills in the content-derived fields of m (ID, ContentHash, Parts), signs it with key
// and returns the packet. m.Created must be set; the time-ordered part of the id comes from it.
func Build(m Manifest, parts []Part, key ed25519.PrivateKey) (*Packet, error) {
	if len(parts) == 0 || len(parts) > maxParts {
		return nil, fmt.Errorf("packet: build: %d parts, want 1..%d", len(parts), maxParts)
	}
	if m.StationID == "" || len(m.StationID) > maxString || len(m.OperatorID) > maxString {
		return nil, fmt.Errorf("packet: build: station id must be 1..%d bytes", maxString)
	}
	if len(m.CaptureTimes) > maxCaptures {
		return nil, fmt.Errorf("packet: build: %d capture times, max %d", len(m.CaptureTimes), maxCaptures)
	}
	tid, err := NewTimeID(m.Created)
	if err != nil {
		return nil, err
	}
	m.ContentHash = ContentHash(parts)
	m.ID = tid + "-" + hex.EncodeToString(m.ContentHash[:])
	m.Parts = m.Parts[:0]
	for _, p := range parts {
		m.Parts = append(m.Parts, PartInfo{p.ContentType, uint64(len(p.Data)), sha256.Sum256(p.Data)})
	}
	p := &Packet{Manifest: m, Parts: parts}
	p.Signature = ed25519.Sign(key, m.Encode())
	return p, nil
}

// ValidID reports whether id has the form TimeID-SHA256 (32 + 1 + 64 lower-case hex digits).
func ValidID(id string) bool {
	if len(id) != 97 || id[32] != '-' {
		return false
	}
	_, err := hex.DecodeString(id[:32] + id[33:])
	return err == nil && strings.ToLower(id) == id
}

// Encode returns the manifest's canonical encoding (what the station signs).
func (m *Manifest) Encode() []byte {
	e := encoder{b: make([]byte, 0, 256+len(m.Parts)*64)}
	e.fixed([]byte("ENRM\x00\x01"))
	e.str(m.ID)
	e.fixed(m.ContentHash[:])
	e.str(m.StationID)
	e.str(m.OperatorID)
	e.uvarint(uint64(m.Created.UnixNano()))
	e.uvarint(uint64(len(m.CaptureTimes)))
	for _, t := range m.CaptureTimes {
		e.uvarint(uint64(t.UnixNano()))
	}
	e.uvarint(m.Counter)
	e.fixed(m.PrevHash[:])
	e.uvarint(uint64(len(m.Parts)))
	for _, p := range m.Parts {
		e.str(p.ContentType)
		e.uvarint(p.Size)
		e.fixed(p.SHA256[:])
	}
	return e.b
}

// Hash is the packet's chain hash: SHA-256 over the signed manifest (encoding plus signature).
// The next packet of the same station carries it as PrevHash.
func (p *Packet) Hash() [32]byte {
	h := sha256.New()
	h.Write(p.Manifest.Encode())
	h.Write(p.Signature)
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// Encode returns the packet's canonical encoding: manifest, signature, then the parts.
func (p *Packet) Encode() []byte {
	size := 0
	for _, q := range p.Parts {
		size += len(q.Data) + 32
	}
	e := encoder{b: make([]byte, 0, size+512)}
	e.fixed([]byte(packetMagic))
	e.bytes(p.Manifest.Encode())
	e.bytes(p.Signature)
	e.uvarint(uint64(len(p.Parts)))
	for _, q := range p.Parts {
		e.str(q.ContentType)
		e.bytes(q.Data)
	}
	return e.b
}

// Verify checks the signature with the station's public key, and that the parts, the manifest's
// part list, the content hash and the id agree.
func (p *Packet) Verify(pub ed25519.PublicKey) error {
	m := &p.Manifest
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, m.Encode(), p.Signature) {
		return fmt.Errorf("%w: packet %q", ErrSignature, m.ID)
	}
	if len(p.Parts) != len(m.Parts) {
		return fmt.Errorf("%w: %d parts, manifest lists %d", ErrHash, len(p.Parts), len(m.Parts))
	}
	for i, q := range p.Parts {
		pi := m.Parts[i]
		if q.ContentType != pi.ContentType || uint64(len(q.Data)) != pi.Size || sha256.Sum256(q.Data) != pi.SHA256 {
			return fmt.Errorf("%w: part %d", ErrHash, i)
		}
	}
	if ContentHash(p.Parts) != m.ContentHash {
		return fmt.Errorf("%w: content", ErrHash)
	}
	if !ValidID(m.ID) || m.ID[33:] != hex.EncodeToString(m.ContentHash[:]) {
		return fmt.Errorf("%w: id %q does not carry the content hash", ErrHash, m.ID)
	}
	return nil
}

// DecodeManifest parses a canonical manifest encoding.
func DecodeManifest(b []byte) (*Manifest, error) {
	d := &decoder{b: b}
	d.magic("ENRM\x00\x01")
	m := &Manifest{ID: d.str("id")}
	copy(m.ContentHash[:], d.fixed("content hash", 32))
	m.StationID = d.str("station id")
	m.OperatorID = d.str("operator id")
	m.Created = time.Unix(0, d.int64("created")).UTC()
	n := d.uvarint("capture count")
	if n > maxCaptures {
		d.fail("capture count", "too many")
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		m.CaptureTimes = append(m.CaptureTimes, time.Unix(0, d.int64("capture time")).UTC())
	}
	m.Counter = d.uvarint("counter")
	copy(m.PrevHash[:], d.fixed("previous hash", 32))
	n = d.uvarint("part count")
	if n > maxParts {
		d.fail("part count", "too many")
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		pi := PartInfo{ContentType: d.str("part type"), Size: d.uvarint("part size")}
		copy(pi.SHA256[:], d.fixed("part hash", 32))
		m.Parts = append(m.Parts, pi)
	}
	d.end()
	if d.err != nil {
		return nil, d.err
	}
	if !bytes.Equal(m.Encode(), b) {
		return nil, fmt.Errorf("%w: manifest is not in canonical form", ErrMalformed)
	}
	return m, nil
}

// Decode parses a canonical packet encoding. It does not verify the signature; call Verify.
func Decode(b []byte) (*Packet, error) {
	if len(b) > maxPacketSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrMalformed, len(b), maxPacketSize)
	}
	d := &decoder{b: b}
	d.magic(packetMagic)
	mb := d.bytes("manifest", 1<<20)
	sig := d.bytes("signature", ed25519.SignatureSize)
	n := d.uvarint("part count")
	if n > maxParts {
		d.fail("part count", "too many")
	}
	p := &Packet{Signature: sig}
	for i := uint64(0); i < n && d.err == nil; i++ {
		p.Parts = append(p.Parts, Part{ContentType: d.str("part type"), Data: d.bytes("part data", maxPartBytes)})
	}
	d.end()
	if d.err != nil {
		return nil, d.err
	}
	m, err := DecodeManifest(mb)
	if err != nil {
		return nil, err
	}
	p.Manifest = *m
	return p, nil
}

// putUint64 is a helper for fixed-width fields in receipts.
func putUint64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
