package firmware

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/enrolld/enrolld/drivers/usb"
)

// DFUSuffixLen is the length of the DFU file suffix.
const DFUSuffixLen = 16

// Wildcard in a DFU suffix id field matches any id.
const Wildcard = 0xFFFF

// DFUFile is a plain firmware image with the DFU 1.1 file suffix: bcdDevice, idProduct,
// idVendor, bcdDFU (0x0100), the signature "UFD" (stored reversed), bLength 16 and a
// CRC-32 over everything but the CRC itself.
type DFUFile struct {
	Payload   []byte // the firmware image without the suffix
	BcdDevice uint16 // firmware version the image carries
	ID        usb.ID // 0xFFFF in either half is a wildcard
	BcdDFU    uint16 // DFU specification release, 0x0100
}

// ParseDFUFile checks the suffix and CRC of a .dfu file and splits off the payload.
func ParseDFUFile(b []byte) (*DFUFile, error) {
	if len(b) < DFUSuffixLen {
		return nil, fmt.Errorf("%w: file of %d bytes is shorter than the suffix", ErrBadSuffix, len(b))
	}
	s := b[len(b)-DFUSuffixLen:]
	if string(s[8:11]) != "UFD" {
		return nil, fmt.Errorf("%w: signature %q, want \"UFD\"", ErrBadSuffix, s[8:11])
	}
	if s[11] != DFUSuffixLen {
		return nil, fmt.Errorf("%w: bLength %d, want 16", ErrBadSuffix, s[11])
	}
	want := binary.LittleEndian.Uint32(s[12:])
	if got := DFUCRC(b); got != want {
		return nil, fmt.Errorf("%w: stored %#08x, computed %#08x", ErrBadCRC, want, got)
	}
	return &DFUFile{
		Payload:   b[:len(b)-DFUSuffixLen],
		BcdDevice: binary.LittleEndian.Uint16(s[0:]),
		ID:        usb.ID{Vendor: binary.LittleEndian.Uint16(s[4:]), Product: binary.LittleEndian.Uint16(s[2:])},
		BcdDFU:    binary.LittleEndian.Uint16(s[6:]),
	}, nil
}

// DFUCRC computes the DFU suffix CRC of a whole file (suffix included): CRC-32 (IEEE,
// reflected) over all but the last four bytes, without the final XOR.
func DFUCRC(file []byte) uint32 { return ^crc32.ChecksumIEEE(file[:len(file)-4]) }

// Encode appends the suffix to the payload and returns the whole file.
func (f *DFUFile) Encode() []byte {
	out := append([]byte(nil), f.Payload...)
	out = binary.LittleEndian.AppendUint16(out, f.BcdDevice)
	out = binary.LittleEndian.AppendUint16(out, f.ID.Product)
	out = binary.LittleEndian.AppendUint16(out, f.ID.Vendor)
	out = binary.LittleEndian.AppendUint16(out, f.BcdDFU)
	out = append(out, 'U', 'F', 'D', DFUSuffixLen, 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[len(out)-4:], DFUCRC(out))
	return out
}

// Fits reports whether the suffix ids match id (0xFFFF matches anything).
func (f *DFUFile) Fits(id usb.ID) bool {
	return (f.ID.Vendor == Wildcard || f.ID.Vendor == id.Vendor) &&
		(f.ID.Product == Wildcard || f.ID.Product == id.Product)
}
