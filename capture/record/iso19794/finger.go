package iso19794

import (
	"bytes"
	"encoding/binary"
)

// Finger image compression algorithms (general header byte 29).
const (
	CompressionRaw       = 0 // uncompressed, one pixel per byte (or two for depth > 8)
	CompressionBitPacked = 1 // uncompressed, bit-packed
	CompressionWSQ       = 2
	CompressionJPEG      = 3
	CompressionJPEG2000  = 4
	CompressionPNG       = 5
)

// Scale units of resolutions.
const (
	UnitsPPI  = 1 // pixels per inch
	UnitsPPCM = 2 // pixels per centimetre
)

var (
	fingerMagic   = []byte("FIR\x00")
	fingerVersion = []byte("010\x00")
)

const (
	fingerHeaderLen = 32
	viewHeaderLen   = 14
)

// FingerRecord is an ISO/IEC 19794-4:2005 finger image record.
type FingerRecord struct {
	CaptureDevice    uint16 // vendor-assigned capture device ID
	AcquisitionLevel uint16 // image acquisition setting level (10, 20, 30, 31, 40, 41)
	ScaleUnits       uint8  // UnitsPPI or UnitsPPCM
	ScanResH         uint16 // scanner resolution
	ScanResV         uint16
	ImageResH        uint16 // image resolution (after any resampling)
	ImageResV        uint16
	PixelDepth       uint8 // bits per pixel, 1–16
	Compression      uint8 // Compression* constant, common to all views
	Reserved         uint16
	Views            []FingerView
}

// FingerView is one finger (or palm) image record inside a FingerRecord.
type FingerView struct {
	Position   uint8 // finger/palm position (0 unknown, 1 right thumb … 10 left little, 11–15 multi-finger, 20+ palm)
	ViewCount  uint8 // number of views of this finger in the record
	ViewNumber uint8 // 1-based
	Quality    uint8 // 0–100, 254 not computed, 255 failed
	Impression uint8 // 0 live-scan plain, 1 live-scan rolled, 2 non-live plain, 3 non-live rolled
	Width      uint16
	Height     uint16
	Reserved   uint8
	Data       []byte // the image as named by the record's Compression
}

// DecodeFinger parses a finger image record. The header's finger count is taken as the
// number of view blocks; the blocks must fill the record exactly.
func DecodeFinger(b []byte) (*FingerRecord, error) {
	if len(b) < fingerHeaderLen {
		return nil, errAt(ErrTruncated, 4, 0, "general header", 0, "%d bytes, the header alone needs %d", len(b), fingerHeaderLen)
	}
	if !bytes.Equal(b[:4], fingerMagic) {
		return nil, errAt(ErrFormat, 4, 0, "format identifier", 0, "%q is not \"FIR\\0\"", b[:4])
	}
	if !bytes.Equal(b[4:8], fingerVersion) {
		return nil, errAt(ErrVersion, 4, 0, "version", 4, "%q (only \"010\\0\", the 2005 edition, is supported)", b[4:8])
	}
	total := uint64(b[8])<<40 | uint64(b[9])<<32 | uint64(binary.BigEndian.Uint32(b[10:14]))
	if total != uint64(len(b)) {
		return nil, errAt(ErrLength, 4, 0, "record length", 8, "says %d bytes, record has %d", total, len(b))
	}
	be := binary.BigEndian
	r := &FingerRecord{CaptureDevice: be.Uint16(b[14:]), AcquisitionLevel: be.Uint16(b[16:]), ScaleUnits: b[19],
		ScanResH: be.Uint16(b[20:]), ScanResV: be.Uint16(b[22:]), ImageResH: be.Uint16(b[24:]), ImageResV: be.Uint16(b[26:]),
		PixelDepth: b[28], Compression: b[29], Reserved: be.Uint16(b[30:])}
	count := int(b[18])
	pos := fingerHeaderLen
	for i := 1; i <= count; i++ {
		if len(b)-pos < viewHeaderLen {
			return nil, errAt(ErrTruncated, 4, i, "finger header", pos, "%d bytes left, the view header needs %d", len(b)-pos, viewHeaderLen)
		}
		n := int(be.Uint32(b[pos:]))
		if n < viewHeaderLen || n > len(b)-pos {
			return nil, errAt(ErrLength, 4, i, "finger data length", pos, "%d does not fit the %d bytes left", n, len(b)-pos)
		}
		h := b[pos:]
		r.Views = append(r.Views, FingerView{Position: h[4], ViewCount: h[5], ViewNumber: h[6], Quality: h[7], Impression: h[8],
			Width: be.Uint16(h[9:]), Height: be.Uint16(h[11:]), Reserved: h[13], Data: h[viewHeaderLen:n:n]})
		pos += n
	}
	if pos != len(b) {
		return nil, errAt(ErrLength, 4, count, "finger count", 18, "%d views end at byte %d of %d", count, pos, len(b))
	}
	return r, nil
}

// Encode writes the record with exact lengths.
func (r *FingerRecord) Encode() ([]byte, error) {
	if len(r.Views) > 255 {
		return nil, errAt(ErrValue, 4, 0, "finger count", 18, "%d views exceed 255", len(r.Views))
	}
	total := fingerHeaderLen
	for i, v := range r.Views {
		if uint64(viewHeaderLen+len(v.Data)) > 0xFFFFFFFF {
			return nil, errAt(ErrValue, 4, i+1, "finger data length", 0, "image of %d bytes too large", len(v.Data))
		}
		total += viewHeaderLen + len(v.Data)
	}
	if uint64(total) >= 1<<48 {
		return nil, errAt(ErrValue, 4, 0, "record length", 8, "record of %d bytes exceeds 6 bytes", total)
	}
	be := binary.BigEndian
	b := make([]byte, 0, total)
	b = append(b, fingerMagic...)
	b = append(b, fingerVersion...)
	b = append(b, byte(uint64(total)>>40), byte(uint64(total)>>32))
	b = be.AppendUint32(b, uint32(total))
	b = be.AppendUint16(b, r.CaptureDevice)
	b = be.AppendUint16(b, r.AcquisitionLevel)
	b = append(b, byte(len(r.Views)), r.ScaleUnits)
	for _, v := range []uint16{r.ScanResH, r.ScanResV, r.ImageResH, r.ImageResV} {
		b = be.AppendUint16(b, v)
	}
	b = append(b, r.PixelDepth, r.Compression)
	b = be.AppendUint16(b, r.Reserved)
	for _, v := range r.Views {
		b = be.AppendUint32(b, uint32(viewHeaderLen+len(v.Data)))
		b = append(b, v.Position, v.ViewCount, v.ViewNumber, v.Quality, v.Impression)
		b = be.AppendUint16(b, v.Width)
		b = be.AppendUint16(b, v.Height)
		b = append(b, v.Reserved)
		b = append(b, v.Data...)
	}
	return b, nil
}
