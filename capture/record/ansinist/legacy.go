package ansinist

import (
	"strconv"
)

// Legacy image compression codes (GCA/BCA, byte 18 of Types 3–7).
const (
	LegacyUncompressed = 0
	LegacyWSQ          = 1
)

// Impression types (IMP) for fingerprints.
const (
	ImpressionLiveScanPlain  = 0
	ImpressionLiveScanRolled = 1
	ImpressionInkPlain       = 2
	ImpressionInkRolled      = 3
)

// LegacyFingerprint is a fixed-resolution binary fingerprint record: Type-4 (high
// resolution grey scale, the common one) or the deprecated Types 3, 5 and 6, which share
// its 18-byte header (as does Type-7 when it is used for images, the way NBIS reads it):
//
//	LEN(4) IDC(1) IMP(1) FGP(6) ISR(1) HLL(2) VLL(2) GCA(1) image
type LegacyFingerprint struct {
	Type        int    // 3–7; 0 means 4
	IDC         int    // 0–255
	Impression  int    // IMP, see the Impression* constants
	Positions   []int  // FGP, up to six finger positions (1 right thumb … 10 left little, 0 unknown); unused slots are written as 255
	NativeRes   bool   // ISR: false = the minimum scanning resolution (1.011), true = the native one
	Width       int    // HLL, pixels
	Height      int    // VLL, pixels
	Compression int    // GCA: LegacyUncompressed or LegacyWSQ
	Data        []byte // the image (raw 8-bit pixels or a WSQ file)
}

// Record encodes the fingerprint as a binary record.
func (f *LegacyFingerprint) Record() (*Record, error) {
	typ := f.Type
	if typ == 0 {
		typ = 4
	}
	switch {
	case typ < 3 || typ > 7:
		return nil, errAt(ErrValue, 0, typ, 0, -1, "legacy fingerprint type must be 3–7")
	case f.IDC < 0 || f.IDC > 255:
		return nil, errAt(ErrValue, 0, typ, 2, -1, "IDC %d does not fit a byte", f.IDC)
	case f.Impression < 0 || f.Impression > 255:
		return nil, errAt(ErrValue, 0, typ, 3, -1, "impression %d does not fit a byte", f.Impression)
	case len(f.Positions) == 0 || len(f.Positions) > 6:
		return nil, errAt(ErrValue, 0, typ, 4, -1, "1–6 finger positions needed, got %d", len(f.Positions))
	case f.Width < 0 || f.Width > 0xFFFF || f.Height < 0 || f.Height > 0xFFFF:
		return nil, errAt(ErrValue, 0, typ, 6, -1, "image size %dx%d does not fit 16 bits", f.Width, f.Height)
	case f.Compression < 0 || f.Compression > 255:
		return nil, errAt(ErrValue, 0, typ, 8, -1, "compression %d does not fit a byte", f.Compression)
	case f.Compression == LegacyUncompressed && len(f.Data) != f.Width*f.Height:
		return nil, errAt(ErrValue, 0, typ, 9, -1, "uncompressed image has %d bytes, %dx%d needs %d", len(f.Data), f.Width, f.Height, f.Width*f.Height)
	}
	fgp := make(Subfield, 6)
	for i := range fgp {
		fgp[i] = "255"
		if i < len(f.Positions) {
			if p := f.Positions[i]; p < 0 || p > 255 {
				return nil, errAt(ErrValue, 0, typ, 4, -1, "finger position %d does not fit a byte", p)
			}
			fgp[i] = strconv.Itoa(f.Positions[i])
		}
	}
	isr := "0"
	if f.NativeRes {
		isr = "1"
	}
	data := f.Data
	if data == nil {
		data = []byte{}
	}
	return &Record{Type: typ, Fields: []Field{
		TextField(1, "0"), TextField(2, strconv.Itoa(f.IDC)), TextField(3, strconv.Itoa(f.Impression)),
		{Num: 4, Subfields: []Subfield{fgp}}, TextField(5, isr),
		TextField(6, strconv.Itoa(f.Width)), TextField(7, strconv.Itoa(f.Height)),
		TextField(8, strconv.Itoa(f.Compression)), {Num: 9, Data: data},
	}}, nil
}

// LegacyFingerprintOf reads a Type-3–7 record with the 18-byte header.
func LegacyFingerprintOf(r *Record) (*LegacyFingerprint, error) {
	if r.Type < 3 || r.Type > 7 || len(r.Fields) != 9 || r.Field(4) == nil || len(r.Field(4).Subfields) != 1 {
		return nil, errAt(ErrValue, 0, r.Type, 0, -1, "not a legacy fingerprint record with an 18-byte header")
	}
	num := func(n int) int { v, _ := r.Int(n); return v }
	f := &LegacyFingerprint{Type: r.Type, IDC: num(2), Impression: num(3), NativeRes: num(5) == 1,
		Width: num(6), Height: num(7), Compression: num(8), Data: r.Data(9)}
	for _, p := range r.Field(4).Subfields[0] {
		if v, _ := strconv.Atoi(p); v != 255 {
			f.Positions = append(f.Positions, v)
		}
	}
	return f, nil
}
