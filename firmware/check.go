package firmware

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Target is what the updater knows about the device it is about to update.
type Target struct {
	// ID is the device's id as enumerated now (run-time or DFU mode).
	ID usb.ID
	// Installed is the version the device reports (bcdDevice). A device found in DFU
	// mode with no valid firmware reports whatever its bootloader says; recovery passes
	// Recovering to skip the newer-than check (never the anti-rollback check).
	Installed Version
	// LowestAllowed is the persisted lowest version this device may run.
	LowestAllowed Version
	// Busy is true while the device is capturing.
	Busy bool
	// Recovering is set when re-flashing a device left in DFU mode by an interrupted
	// update of this same bundle.
	Recovering bool
}

// TrustedKeys are the Ed25519 public keys allowed to sign firmware, by KeyID.
type TrustedKeys map[string]ed25519.PublicKey

// NewTrustedKeys indexes keys by their KeyID.
func NewTrustedKeys(keys ...ed25519.PublicKey) TrustedKeys {
	t := TrustedKeys{}
	for _, k := range keys {
		t[KeyID(k)] = k
	}
	return t
}

// Check verifies everything about a bundle and its target before a single transfer:
// signature against a pinned key, payload size and hash, device ids, protocol, version
// newer than installed, not below the persisted lowest allowed version, device idle.
func Check(b *Bundle, keys TrustedKeys, t Target) error {
	if err := Verify(b, keys); err != nil {
		return err
	}
	return checkTarget(&b.Manifest, t)
}

// Verify checks the signature against the pinned keys and the payload against the
// signed size and hash: everything about a bundle that does not depend on a device.
func Verify(b *Bundle, keys TrustedKeys) error {
	if err := VerifySignature(b, keys); err != nil {
		return err
	}
	return verifyPayload(b)
}

// VerifySignature checks the bundle's signature against the pinned keys.
func VerifySignature(b *Bundle, keys TrustedKeys) error {
	pub, ok := keys[b.KeyID]
	if !ok {
		return fmt.Errorf("%w: key id %s", ErrUnknownKey, b.KeyID)
	}
	if len(b.Signature) != ed25519.SignatureSize ||
		!ed25519.Verify(pub, append([]byte(signingContext), b.Canonical...), b.Signature) {
		return fmt.Errorf("%w (key id %s)", ErrBadSignature, b.KeyID)
	}
	return nil
}

func verifyPayload(b *Bundle) error {
	if int64(len(b.Payload)) != b.Manifest.PayloadSize {
		return fmt.Errorf("%w: %d bytes, manifest says %d", ErrSizeMismatch, len(b.Payload), b.Manifest.PayloadSize)
	}
	sum := sha256.Sum256(b.Payload)
	if got := hex.EncodeToString(sum[:]); got != b.Manifest.PayloadSHA256 {
		return fmt.Errorf("%w: got %s", ErrHashMismatch, got)
	}
	return nil
}

func checkTarget(m *Manifest, t Target) error {
	if _, ok := m.Fits(t.ID); !ok {
		return fmt.Errorf("%w: device %s is not among the bundle's devices", ErrWrongDevice, t.ID)
	}
	if m.Protocol != ProtocolDFU11 {
		return fmt.Errorf("%w: %q", ErrProtocol, m.Protocol)
	}
	if m.Version < t.LowestAllowed {
		return fmt.Errorf("%w: bundle %s, lowest allowed %s", ErrRollback, m.Version, t.LowestAllowed)
	}
	if !t.Recovering && m.Version <= t.Installed {
		return fmt.Errorf("%w: bundle %s, installed %s", ErrNotNewer, m.Version, t.Installed)
	}
	if t.Busy {
		return ErrDeviceBusy
	}
	return nil
}
