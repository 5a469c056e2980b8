package firmware

import (
	"bytes"
	"context"
	"fmt"

	"github.com/enrolld/enrolld/drivers/usb"
)

// unsignedKeyID marks a bundle made from a plain .dfu file: it has no signature.
const unsignedKeyID = "unsigned-dfu"

// ApplyDFU updates dev from a plain DFU file (suffix and CRC checked), for a
// technician's manual update. It is refused unless AllowUnsigned is set. The suffix's
// bcdDevice is the new version, so anti-rollback still holds; the suffix's ids must
// fit the device (0xFFFF matches any).
func (u *Updater) ApplyDFU(ctx context.Context, raw []byte, dev usb.DeviceDesc, actor string, progress Progress) error {
	if !u.AllowUnsigned {
		return u.count(ErrUnsigned)
	}
	b, err := BundleFromDFU(raw, dev.ID)
	if err != nil {
		return u.count(err)
	}
	var kept bytes.Buffer
	if err := b.Encode(&kept); err != nil {
		return u.count(err)
	}
	return u.apply(ctx, b, kept.Bytes(), dev, actor, progress)
}

// BundleFromDFU wraps a plain DFU file for the device id as an unsigned bundle.
func BundleFromDFU(raw []byte, id usb.ID) (*Bundle, error) {
	f, err := ParseDFUFile(raw)
	if err != nil {
		return nil, err
	}
	// The suffix names the device either as it runs or as it enumerates in DFU mode
	// (often another product id of the same vendor); 0xFFFF matches any, and then the
	// device must keep its id in DFU mode.
	if f.ID.Vendor != Wildcard && f.ID.Vendor != id.Vendor {
		return nil, fmt.Errorf("%w: the DFU file is for %s, the device is %s", ErrWrongDevice, f.ID, id)
	}
	if f.BcdDevice == Wildcard {
		return nil, fmt.Errorf("%w: the DFU file names no firmware version, so rollback cannot be ruled out", ErrMalformed)
	}
	v, err := FromBCD(f.BcdDevice)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	dfuID := id
	if !f.Fits(id) {
		dfuID = usb.ID{Vendor: id.Vendor, Product: f.ID.Product} // the DFU-mode personality
	}
	m := Manifest{Name: "plain DFU file", Devices: []DeviceMatch{{Runtime: id, DFU: dfuID}},
		Protocol: ProtocolDFU11, Version: v, LowestAllowed: 0}
	b, err := unsignedBundle(m, f.Payload)
	return b, err
}

func unsignedBundle(m Manifest, payload []byte) (*Bundle, error) {
	key := make([]byte, 64) // Sign needs a key; the signature is dropped below
	b, err := Sign(m, payload, key)
	if err != nil {
		return nil, err
	}
	b.KeyID, b.Signature = unsignedKeyID, nil
	return b, nil
}

// check is Check, or for an unsigned bundle (allowed by configuration) everything but
// the signature.
func (u *Updater) check(b *Bundle, t Target) error {
	if b.KeyID != unsignedKeyID {
		return Check(b, u.Keys, t)
	}
	if !u.AllowUnsigned {
		return ErrUnsigned
	}
	if err := verifyPayload(b); err != nil {
		return err
	}
	return checkTarget(&b.Manifest, t)
}
