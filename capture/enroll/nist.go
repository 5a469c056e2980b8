package enroll

import (
	"bytes"
	"fmt"
	"image"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/capture/record/ansinist"
	"github.com/enrolld/enrolld/capture/record/wsq"
)

// NISTBuilder writes an enrollment as an ANSI/NIST-ITL 1-2011 (2015 update) transaction:
// Type-1 header, Type-2 case data, Type-10 face (JPEG), one Type-14 per finger (WSQ) and a
// Type-8 signature in pen vectors.
//
// Type-2 fields of the station's domain profile:
//
//	2.010 receipt number     2.011 application type   2.018 name   2.022 date of birth (YYYYMMDD)
//	2.030 search decision    2.031 exceptions (kind, position, code, approver; repeated)
type NISTBuilder struct {
	TOT     string  // type of transaction; default "ENR"
	DAI     string  // destination agency; default "CENTRAL"
	ORI     string  // originating agency (the station); required
	BitRate float64 // WSQ bits per pixel; default 0.75
}

// ContentType is the MIME type of the transactions built.
func (b *NISTBuilder) ContentType() string { return "application/vnd.ansi-nist-itl" }

// Build assembles the transaction.
func (b *NISTBuilder) Build(r *Record) ([]byte, error) {
	if b.ORI == "" {
		return nil, fmt.Errorf("%w: NISTBuilder needs ORI", ErrProfile)
	}
	now := time.Now().UTC()
	tx, err := ansinist.NewTransaction(ansinist.Header{TOT: or(b.TOT, "ENR"), Date: now, DAI: or(b.DAI, "CENTRAL"),
		ORI: b.ORI, TCN: r.Case.Receipt, NSR: ansinist.PixelsPerMM(500), NTR: ansinist.PixelsPerMM(500), GMT: now,
		CharSets: []ansinist.CharSet{{Index: ansinist.CharSetUTF8, Name: "UTF-8"}}})
	if err != nil {
		return nil, err
	}
	idc := 0
	t2, err := ansinist.UserDefined(idc, b.type2(r)...)
	if err != nil {
		return nil, err
	}
	recs := []*ansinist.Record{t2}
	if r.Face != nil {
		idc++
		rec, err := faceRecord(r, idc, b.ORI)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	for _, f := range r.Fingers {
		idc++
		rec, err := fingerRecord(f, idc, b.ORI, b.BitRate)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	if r.Signature != nil {
		idc++
		rec, err := signatureRecord(r.Signature, idc)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	if err := tx.Add(recs...); err != nil {
		return nil, err
	}
	return tx.Marshal()
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (b *NISTBuilder) type2(r *Record) []ansinist.Field {
	fs := []ansinist.Field{
		ansinist.TextField(10, r.Case.Receipt), ansinist.TextField(11, r.Case.Type),
		ansinist.TextField(18, r.Case.Name), ansinist.TextField(22, r.Case.DateOfBirth.Format("20060102")),
	}
	if r.Search != nil {
		d := "nohit"
		if r.Search.Hit() {
			d = string(r.Search.Decision)
		}
		fs = append(fs, ansinist.TextField(30, d, r.Search.SubjectID, r.Search.Justification))
	}
	if len(r.Exceptions) > 0 {
		f := ansinist.Field{Num: 31}
		for _, e := range r.Exceptions {
			f.Subfields = append(f.Subfields, ansinist.Subfield{string(e.Kind), strconv.Itoa(e.Position), or(e.Code, "-"), e.ApprovedBy})
		}
		fs = append(fs, f)
	}
	return fs
}

func faceRecord(r *Record, idc int, src string) (*ansinist.Record, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(r.Face.JPEG))
	if err != nil {
		return nil, fmt.Errorf("enroll: face photo: %w", err)
	}
	date := r.Face.Captured
	if date.IsZero() {
		date = r.Started
	}
	f := &ansinist.FaceImage{ImageInfo: ansinist.ImageInfo{IDC: idc, Source: src, Date: date,
		Width: cfg.Width, Height: cfg.Height, Scale: ansinist.ScaleNone, HPS: 1, VPS: 1, Compression: "JPEGB"},
		ColorSpace: "SRGB", SAP: 30, Pose: "F", Data: r.Face.JPEG}
	return f.Record()
}

func fingerRecord(f *Finger, idc int, src string, bitRate float64) (*ansinist.Record, error) {
	img := f.Image
	dpi := img.DPI
	if dpi == 0 {
		dpi = 500
	}
	g := &image.Gray{Pix: img.Pix, Stride: img.Width, Rect: image.Rect(0, 0, img.Width, img.Height)}
	var buf bytes.Buffer
	if err := wsq.Encode(&buf, g, &wsq.Options{BitRate: bitRate, PPI: int(dpi + 0.5)}); err != nil {
		return nil, fmt.Errorf("enroll: %s: %w", FingerName(f.Position), err)
	}
	fr := &ansinist.FrictionRidgeImage{ImageInfo: ansinist.ImageInfo{IDC: idc, Source: src, Date: img.Captured,
		Width: img.Width, Height: img.Height, Scale: ansinist.ScalePPI, HPS: int(dpi + 0.5), VPS: int(dpi + 0.5),
		Compression: "WSQ20"}, Impression: 0, Positions: []int{f.Position},
		Quality: []ansinist.QualityMetric{{Position: f.Position, Score: f.Analysis.Quality, VendorID: "FFFF", ProductID: 1}},
		Data:    buf.Bytes()}
	if f.Low {
		fr.Comment = "best of attempts below the quality gate"
	}
	if img.Captured.IsZero() {
		fr.Date = time.Now().UTC()
	}
	return fr.Record()
}

func signatureRecord(s *Signature, idc int) (*ansinist.Record, error) {
	var vs []ansinist.Vector
	down := false
	for _, p := range s.Sig.Samples {
		if !p.Tip {
			down = false
			continue
		}
		pr := uint8(1)
		if p.MaxPressure > 0 {
			pr = uint8(1 + min(253, max(0, p.Pressure*253/p.MaxPressure)))
		}
		if !down {
			pr = ansinist.PenUp // move to the start of the stroke with the pen lifted
		}
		vs = append(vs, ansinist.Vector{X: uint16(max(0, min(p.X, 0xFFFF))), Y: uint16(max(0, min(p.Y, 0xFFFF))), Pressure: pr})
		down = true
	}
	vs = append(vs, ansinist.Vector{Pressure: ansinist.EndOfVectors})
	sig := &ansinist.Signature{IDC: idc, Representation: ansinist.SignatureVector, Vectors: vs}
	return sig.Record()
}
