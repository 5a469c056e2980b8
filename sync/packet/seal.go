package packet

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
)

// ErrSealed reports a sealed packet that cannot be opened with the given identity.
var ErrSealed = errors.New("packet: cannot open sealed packet")

// Seal encrypts the packet's canonical encoding to the centre's age recipient and writes the
// ciphertext to w. Sealing uses a fresh file key each time, so the station holds no key that
// opens the result.
func Seal(w io.Writer, p *Packet, to age.Recipient) error {
	aw, err := age.Encrypt(w, to)
	if err != nil {
		return fmt.Errorf("packet: seal %s: %w", p.Manifest.ID, err)
	}
	if _, err := aw.Write(p.Encode()); err != nil {
		return fmt.Errorf("packet: seal %s: %w", p.Manifest.ID, err)
	}
	if err := aw.Close(); err != nil {
		return fmt.Errorf("packet: seal %s: %w", p.Manifest.ID, err)
	}
	return nil
}

// Open decrypts a sealed packet with the centre's identity and decodes it. It does not verify
// the station's signature; call Verify with the station's key.
func Open(sealed []byte, id age.Identity) (*Packet, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSealed, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxPacketSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSealed, err)
	}
	return Decode(plain)
}
