package ansinist

import (
	"fmt"
	"strconv"
	"time"
)

// Compression algorithm names (CGA) of tagged image records.
const (
	CompressionNone  = "NONE"
	CompressionWSQ   = "WSQ20"
	CompressionJPEGB = "JPEGB"
	CompressionJPEGL = "JPEGL"
	CompressionJP2   = "JP2"
	CompressionJP2L  = "JP2L"
	CompressionPNG   = "PNG"
)

// Scale units (SLC) of tagged image records.
const (
	ScaleNone = 0 // pixel aspect ratio only
	ScalePPI  = 1 // pixels per inch
	ScalePPCM = 2 // pixels per centimetre
)

// ImageInfo holds the fields tagged image records share: .004 SRC, .005 date,
// .006/.007 HLL/VLL, .008 SLC, .009/.010 THPS/TVPS, .011 CGA.
type ImageInfo struct {
	IDC           int
	Source        string    // .004 SRC, the agency that captured the image
	Date          time.Time // .005 capture date
	Width, Height int       // HLL, VLL
	Scale         int       // SLC, see Scale* constants; with ScalePPI 500 means 500 ppi
	HPS, VPS      int       // THPS, TVPS: transmitted pixel scale
	Compression   string    // CGA, see Compression* constants
}

func (in *ImageInfo) fields(typ int) ([]Field, error) {
	switch {
	case in.IDC < 0 || in.IDC > 99:
		return nil, errAt(ErrValue, 0, typ, 2, -1, "IDC %d outside 0–99", in.IDC)
	case in.Source == "":
		return nil, errAt(ErrMissing, 0, typ, 4, -1, "source agency (SRC) is empty")
	case in.Date.IsZero():
		return nil, errAt(ErrMissing, 0, typ, 5, -1, "capture date is not set")
	case in.Width < 10 || in.Width > 99999 || in.Height < 10 || in.Height > 99999:
		return nil, errAt(ErrValue, 0, typ, 6, -1, "image size %dx%d outside 10–99999", in.Width, in.Height)
	case in.Scale < 0 || in.Scale > 2:
		return nil, errAt(ErrValue, 0, typ, 8, -1, "scale units %d outside 0–2", in.Scale)
	case in.HPS <= 0 || in.VPS <= 0 || in.HPS > 99999 || in.VPS > 99999:
		return nil, errAt(ErrValue, 0, typ, 9, -1, "pixel scale %d×%d outside 1–99999", in.HPS, in.VPS)
	case in.Compression == "":
		return nil, errAt(ErrMissing, 0, typ, 11, -1, "compression (CGA) is empty")
	}
	return []Field{
		TextField(2, fmt.Sprintf("%02d", in.IDC)), TextField(4, in.Source), TextField(5, in.Date.Format("20060102")),
		TextField(6, strconv.Itoa(in.Width)), TextField(7, strconv.Itoa(in.Height)), TextField(8, strconv.Itoa(in.Scale)),
		TextField(9, strconv.Itoa(in.HPS)), TextField(10, strconv.Itoa(in.VPS)), TextField(11, in.Compression),
	}, nil
}

func imageInfoOf(r *Record) (ImageInfo, error) {
	num := func(n int) int { v, _ := r.Int(n); return v }
	d, err := parseDate(r, 5)
	return ImageInfo{IDC: num(2), Source: r.Text(4), Date: d, Width: num(6), Height: num(7),
		Scale: num(8), HPS: num(9), VPS: num(10), Compression: r.Text(11)}, err
}

// assemble builds a tagged image record from LEN, the given fields in number order, any
// extra fields and the image data as .999.
func assemble(typ int, fields, extra []Field, data []byte) (*Record, error) {
	r := &Record{Type: typ, Fields: []Field{TextField(1, "0")}}
	for _, f := range fields {
		r.Set(f)
	}
	for _, f := range extra {
		if f.Num <= 1 || f.Num >= 999 || f.IsData() {
			return nil, errAt(ErrValue, 0, typ, f.Num, -1, "extra fields must be text fields 2–998")
		}
		r.Set(f)
	}
	if len(data) == 0 {
		return nil, errAt(ErrMissing, 0, typ, 999, -1, "no image data")
	}
	r.Fields = append(r.Fields, Field{Num: 999, Data: data})
	return r, nil
}

// FaceImage is a Type-10 record holding a facial photograph.
type FaceImage struct {
	ImageInfo
	ColorSpace string // 10.012 CSP, e.g. "SRGB", "GRAY", "YCC"
	// SAP is 10.013, the subject acquisition profile code from the standard's table of
	// profiles; 0 omits the field.
	SAP   int
	Pose  string  // 10.020 POS: F frontal, R right, L left, A angled, D determined
	Data  []byte  // the image, usually a JPEG
	Extra []Field // further fields (10.014…10.998) in any order
}

// Record encodes the face record (10.003 IMT is "FACE").
func (f *FaceImage) Record() (*Record, error) {
	fields, err := f.fields(10)
	if err != nil {
		return nil, err
	}
	fields = append(fields, TextField(3, "FACE"))
	if f.ColorSpace == "" {
		return nil, errAt(ErrMissing, 0, 10, 12, -1, "colour space (CSP) is empty")
	}
	fields = append(fields, TextField(12, f.ColorSpace))
	if f.SAP != 0 {
		fields = append(fields, TextField(13, strconv.Itoa(f.SAP)))
	}
	if f.Pose != "" {
		fields = append(fields, TextField(20, f.Pose))
	}
	return assemble(10, fields, f.Extra, f.Data)
}

// FaceImageOf reads a Type-10 record.
func FaceImageOf(r *Record) (*FaceImage, error) {
	if r.Type != 10 {
		return nil, errAt(ErrValue, 0, r.Type, 0, -1, "not a Type-10 record")
	}
	info, err := imageInfoOf(r)
	if err != nil {
		return nil, err
	}
	sap, _ := r.Int(13)
	return &FaceImage{ImageInfo: info, ColorSpace: r.Text(12), SAP: sap, Pose: r.Text(20), Data: r.Data(999)}, nil
}
