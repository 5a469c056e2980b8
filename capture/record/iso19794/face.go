package iso19794

import (
	"bytes"
	"encoding/binary"
)

// Face image data types (image information byte 2).
const (
	FaceJPEG     = 0
	FaceJPEG2000 = 1
)

// Face image types.
const (
	FaceBasic        = 0
	FaceFullFrontal  = 1
	FaceTokenFrontal = 2
)

var (
	faceMagic   = []byte("FAC\x00")
	faceVersion = []byte("010\x00")
)

const (
	faceHeaderLen    = 14
	faceInfoLen      = 20
	featurePointLen  = 8
	imageInfoLen     = 12
	defaultFaceSlack = 8
)

// FaceOptions tune DecodeFace. The zero value is lenient by up to 8 bytes.
type FaceOptions struct {
	// Strict rejects any length field that disagrees with the data.
	Strict bool
	// MaxSlack is how many bytes a record or (last) block length may be off when not
	// strict; 0 means 8.
	MaxSlack int
}

func (o *FaceOptions) slack() int {
	switch {
	case o == nil:
		return defaultFaceSlack
	case o.Strict:
		return 0
	case o.MaxSlack > 0:
		return o.MaxSlack
	}
	return defaultFaceSlack
}

// FaceRecord is an ISO/IEC 19794-5:2005 face image record.
type FaceRecord struct {
	Faces []Face
	// LengthSlack is the stored record length minus the actual one, as read (0 when
	// exact). Encode always writes the exact length.
	LengthSlack int
}

// Face is one facial image with its descriptive blocks.
type Face struct {
	Gender          uint8 // 0 unspecified, 1 male, 2 female, 0xFF unknown
	EyeColor        uint8 // 0 unspecified, 1 black, 2 blue, 3 brown, 4 grey, 5 green, 6 multi, 7 pink, 0xFF other
	HairColor       uint8
	FeatureMask     uint32   // 24 bits: properties (glasses, moustache, ...) present
	Expression      uint16   // 0 unspecified, 1 neutral, 2 smile (closed jaw), ...
	Pose            [3]uint8 // yaw, pitch, roll as encoded in the record
	PoseUncertainty [3]uint8
	FeaturePoints   []FeaturePoint
	ImageType       uint8 // FaceBasic, FaceFullFrontal, FaceTokenFrontal
	DataType        uint8 // FaceJPEG or FaceJPEG2000
	Width, Height   uint16
	ColorSpace      uint8 // 0 unspecified, 1 24-bit RGB, 2 YUV422, 3 8-bit grey, 4 other
	SourceType      uint8
	DeviceType      uint16
	Quality         uint16
	Data            []byte
	// BlockLengthSlack is the stored block length minus the actual one, as read.
	BlockLengthSlack int
}

// FeaturePoint is one 8-byte feature point (MPEG-4 facial definition points).
type FeaturePoint struct {
	Type     uint8  // 1: MPEG-4 feature point
	Code     uint8  // major point number in the high nibble, minor in the low
	X, Y     uint16 // pixels
	Reserved uint16
}

// DecodeFace parses a face image record; opts may be nil.
func DecodeFace(b []byte, opts *FaceOptions) (*FaceRecord, error) {
	if len(b) < faceHeaderLen {
		return nil, errAt(ErrTruncated, 5, 0, "record header", 0, "%d bytes, the header alone needs %d", len(b), faceHeaderLen)
	}
	if !bytes.Equal(b[:4], faceMagic) {
		return nil, errAt(ErrFormat, 5, 0, "format identifier", 0, "%q is not \"FAC\\0\"", b[:4])
	}
	if !bytes.Equal(b[4:8], faceVersion) {
		return nil, errAt(ErrVersion, 5, 0, "version", 4, "%q (only \"010\\0\", the 2005 edition, is supported)", b[4:8])
	}
	slack := opts.slack()
	be := binary.BigEndian
	r := &FaceRecord{LengthSlack: int(be.Uint32(b[8:])) - len(b)}
	if abs(r.LengthSlack) > slack {
		return nil, errAt(ErrLength, 5, 0, "record length", 8, "says %d bytes, record has %d", be.Uint32(b[8:]), len(b))
	}
	count := int(be.Uint16(b[12:]))
	if count == 0 {
		return nil, errAt(ErrValue, 5, 0, "number of faces", 12, "a record holds at least one face")
	}
	pos := faceHeaderLen
	for i := 1; i <= count; i++ {
		f, n, err := decodeFaceBlock(b[pos:], pos, i, i == count, slack)
		if err != nil {
			return nil, err
		}
		r.Faces = append(r.Faces, f)
		pos += n
	}
	if pos != len(b) {
		return nil, errAt(ErrLength, 5, count, "facial record data length", pos, "%d bytes follow the last face", len(b)-pos)
	}
	return r, nil
}

// decodeFaceBlock parses one face starting at b[0] (off in the record) and returns the
// bytes it takes. The last block may be up to slack bytes off; it then runs to the end.
func decodeFaceBlock(b []byte, off, idx int, last bool, slack int) (Face, int, error) {
	be := binary.BigEndian
	if len(b) < faceInfoLen {
		return Face{}, 0, errAt(ErrTruncated, 5, idx, "facial information", off, "%d bytes left, need %d", len(b), faceInfoLen)
	}
	stored := int(be.Uint32(b))
	nfp := int(be.Uint16(b[4:]))
	minimal := faceInfoLen + featurePointLen*nfp + imageInfoLen
	if len(b) < minimal {
		return Face{}, 0, errAt(ErrTruncated, 5, idx, "feature points", off+4, "%d feature points and the image information need %d bytes, %d left", nfp, minimal, len(b))
	}
	n := stored
	switch {
	case stored == len(b) || (!last && stored >= minimal && stored <= len(b)):
	case last && abs(stored-len(b)) <= slack:
		n = len(b)
	default:
		return Face{}, 0, errAt(ErrLength, 5, idx, "facial record data length", off, "%d does not fit (at least %d, %d bytes left)", stored, minimal, len(b))
	}
	f := Face{Gender: b[6], EyeColor: b[7], HairColor: b[8], FeatureMask: uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11]),
		Expression: be.Uint16(b[12:]), Pose: [3]uint8{b[14], b[15], b[16]}, PoseUncertainty: [3]uint8{b[17], b[18], b[19]},
		BlockLengthSlack: stored - n}
	p := faceInfoLen
	for k := 0; k < nfp; k++ {
		f.FeaturePoints = append(f.FeaturePoints, FeaturePoint{Type: b[p], Code: b[p+1], X: be.Uint16(b[p+2:]), Y: be.Uint16(b[p+4:]), Reserved: be.Uint16(b[p+6:])})
		p += featurePointLen
	}
	f.ImageType, f.DataType = b[p], b[p+1]
	f.Width, f.Height = be.Uint16(b[p+2:]), be.Uint16(b[p+4:])
	f.ColorSpace, f.SourceType = b[p+6], b[p+7]
	f.DeviceType, f.Quality = be.Uint16(b[p+8:]), be.Uint16(b[p+10:])
	f.Data = b[p+imageInfoLen : n : n]
	return f, n, nil
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Encode writes the record with exact lengths.
func (r *FaceRecord) Encode() ([]byte, error) {
	if len(r.Faces) == 0 || len(r.Faces) > 0xFFFF {
		return nil, errAt(ErrValue, 5, 0, "number of faces", 12, "%d faces (1–65535 allowed)", len(r.Faces))
	}
	total := faceHeaderLen
	for i, f := range r.Faces {
		if len(f.FeaturePoints) > 0xFFFF || f.FeatureMask > 0xFFFFFF {
			return nil, errAt(ErrValue, 5, i+1, "facial information", 0, "too many feature points or mask wider than 24 bits")
		}
		total += f.blockLen()
	}
	if uint64(total) > 0xFFFFFFFF {
		return nil, errAt(ErrValue, 5, 0, "record length", 8, "record of %d bytes exceeds 4 GiB", total)
	}
	be := binary.BigEndian
	b := make([]byte, 0, total)
	b = append(b, faceMagic...)
	b = append(b, faceVersion...)
	b = be.AppendUint32(b, uint32(total))
	b = be.AppendUint16(b, uint16(len(r.Faces)))
	for _, f := range r.Faces {
		b = be.AppendUint32(b, uint32(f.blockLen()))
		b = be.AppendUint16(b, uint16(len(f.FeaturePoints)))
		b = append(b, f.Gender, f.EyeColor, f.HairColor, byte(f.FeatureMask>>16), byte(f.FeatureMask>>8), byte(f.FeatureMask))
		b = be.AppendUint16(b, f.Expression)
		b = append(b, f.Pose[:]...)
		b = append(b, f.PoseUncertainty[:]...)
		for _, p := range f.FeaturePoints {
			b = append(b, p.Type, p.Code)
			b = be.AppendUint16(b, p.X)
			b = be.AppendUint16(b, p.Y)
			b = be.AppendUint16(b, p.Reserved)
		}
		b = append(b, f.ImageType, f.DataType)
		b = be.AppendUint16(b, f.Width)
		b = be.AppendUint16(b, f.Height)
		b = append(b, f.ColorSpace, f.SourceType)
		b = be.AppendUint16(b, f.DeviceType)
		b = be.AppendUint16(b, f.Quality)
		b = append(b, f.Data...)
	}
	return b, nil
}

func (f *Face) blockLen() int {
	return faceInfoLen + featurePointLen*len(f.FeaturePoints) + imageInfoLen + len(f.Data)
}
