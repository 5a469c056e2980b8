package packet

import (
	"crypto/ed25519"
	"fmt"
	"time"
)

const receiptMagic = "ENRR\x00\x01"

// Receipt status values.
const (
	StatusCreated   = "created"   // the centre stored the packet now
	StatusDuplicate = "duplicate" // the centre already had it, with the same content hash
)

// Receipt is the centre's signed acknowledgement of one packet upload.
type Receipt struct {
	PacketID    string
	ContentHash [32]byte
	StationID   string
	Nonce       [16]byte // the nonce the station sent with this upload: binds the receipt to it
	Received    time.Time
	Status      string
	Signature   []byte // Ed25519 by the centre's receipt key over signedBytes
}

func (r *Receipt) signedBytes() []byte {
	var e encoder
	e.fixed([]byte(receiptMagic))
	e.str(r.PacketID)
	e.fixed(r.ContentHash[:])
	e.str(r.StationID)
	e.fixed(r.Nonce[:])
	e.fixed(putUint64(uint64(r.Received.UnixNano())))
	e.str(r.Status)
	return e.b
}

// Sign signs the receipt with the centre's key.
func (r *Receipt) Sign(key ed25519.PrivateKey) { r.Signature = ed25519.Sign(key, r.signedBytes()) }

// Encode returns the receipt's canonical encoding including its signature.
func (r *Receipt) Encode() []byte {
	e := encoder{b: r.signedBytes()}
	e.bytes(r.Signature)
	return e.b
}

// DecodeReceipt parses a canonical receipt. It does not check the signature; call Verify.
func DecodeReceipt(b []byte) (*Receipt, error) {
	d := &decoder{b: b}
	d.magic(receiptMagic)
	r := &Receipt{PacketID: d.str("packet id")}
	copy(r.ContentHash[:], d.fixed("content hash", 32))
	r.StationID = d.str("station id")
	copy(r.Nonce[:], d.fixed("nonce", 16))
	var ns uint64
	for _, c := range d.fixed("received", 8) {
		ns = ns<<8 | uint64(c)
	}
	r.Received = time.Unix(0, int64(ns)).UTC()
	r.Status = d.str("status")
	r.Signature = d.bytes("signature", ed25519.SignatureSize)
	d.end()
	if d.err != nil {
		return nil, d.err
	}
	if r.Status != StatusCreated && r.Status != StatusDuplicate {
		return nil, fmt.Errorf("%w: receipt status %q", ErrMalformed, r.Status)
	}
	return r, nil
}

// Verify checks the centre's signature and that the receipt answers exactly this upload: the
// same packet id, content hash, station and nonce. A receipt replayed from another upload fails.
func (r *Receipt) Verify(centre ed25519.PublicKey, packetID string, hash [32]byte, station string, nonce [16]byte) error {
	if len(centre) != ed25519.PublicKeySize || !ed25519.Verify(centre, r.signedBytes(), r.Signature) {
		return fmt.Errorf("%w: receipt for %q", ErrSignature, r.PacketID)
	}
	switch {
	case r.PacketID != packetID:
		return fmt.Errorf("%w: receipt names packet %q, uploaded %q", ErrMismatch, r.PacketID, packetID)
	case r.ContentHash != hash:
		return fmt.Errorf("%w: content hash differs for %q", ErrMismatch, packetID)
	case r.StationID != station:
		return fmt.Errorf("%w: receipt names station %q, want %q", ErrMismatch, r.StationID, station)
	case r.Nonce != nonce:
		return fmt.Errorf("%w: nonce differs (replayed receipt?) for %q", ErrMismatch, packetID)
	}
	return nil
}

// VerifyStored checks a stored receipt's signature and its packet id and hash (the nonce of the
// original upload is part of the signed bytes but is not known to a later auditor).
func (r *Receipt) VerifyStored(centre ed25519.PublicKey, packetID string, hash [32]byte) error {
	if len(centre) != ed25519.PublicKeySize || !ed25519.Verify(centre, r.signedBytes(), r.Signature) {
		return fmt.Errorf("%w: stored receipt for %q", ErrSignature, r.PacketID)
	}
	if r.PacketID != packetID || r.ContentHash != hash {
		return fmt.Errorf("%w: stored receipt for %q", ErrMismatch, packetID)
	}
	return nil
}
