package ansinist

import (
	"fmt"
	"strconv"
)

// NFIQ is one subfield of 14.022 NQM: the NIST Fingerprint Image Quality (NFIQ 1) value
// of one finger in the image: 1 (best) to 5, 254 (not computed) or 255 (failed).
type NFIQ struct {
	Position int // FGP
	Score    int // IMQ
}

// QualityMetric is one subfield of 14.023 SQM, 14.024 FQM or 13.024 LQM: a score from a
// registered quality algorithm.
type QualityMetric struct {
	Position  int    // FGP
	Score     int    // QVU: 0–100, 254 not computed, 255 failed
	VendorID  string // QAV: four hexadecimal digits (IBIA-registered vendor)
	ProductID int    // QAP: 1–65535
}

// Segment is one subfield of 14.021 SEG: the bounding box of one finger in a slap image.
type Segment struct {
	Position                 int // FGP
	Left, Right, Top, Bottom int // LHC, RHC, TVC, BVC in pixels
}

// FrictionRidgeImage is a variable-resolution friction ridge record: Type-14 (exemplar
// fingerprint: a single finger, a slap of four, two thumbs) or Type-13 (latent or
// variable-resolution single print). Data is the image as named by Compression
// (WSQ20, PNG, JP2, or NONE for raw 8-bit pixels).
type FrictionRidgeImage struct {
	ImageInfo
	Type       int   // 13 or 14; 0 means 14
	Impression int   // .003 IMP
	BitDepth   int   // .012 BPX; 0 means 8
	Positions  []int // .013 FGP, one per subfield
	Comment    string
	Segments   []Segment       // 14.021 SEG
	NFIQ       []NFIQ          // 14.022 NQM
	Segmented  []QualityMetric // 14.023 SQM, quality of each segmented finger
	Quality    []QualityMetric // 14.024 FQM (13.024 LQM for Type-13)
	Data       []byte
	Extra      []Field // further fields in any order
}

// Record encodes the friction ridge record.
func (f *FrictionRidgeImage) Record() (*Record, error) {
	typ := f.Type
	if typ == 0 {
		typ = 14
	}
	if typ != 13 && typ != 14 {
		return nil, errAt(ErrValue, 0, typ, 0, -1, "friction ridge image type must be 13 or 14")
	}
	fields, err := f.fields(typ)
	if err != nil {
		return nil, err
	}
	bpx := f.BitDepth
	if bpx == 0 {
		bpx = 8
	}
	if f.Compression == CompressionNone && len(f.Data) != f.Width*f.Height*((bpx+7)/8) {
		return nil, errAt(ErrValue, 0, typ, 999, -1, "uncompressed image has %d bytes, %dx%d at %d bits needs %d", len(f.Data), f.Width, f.Height, bpx, f.Width*f.Height*((bpx+7)/8))
	}
	if len(f.Positions) == 0 {
		return nil, errAt(ErrMissing, 0, typ, 13, -1, "no finger position (FGP)")
	}
	fields = append(fields, TextField(3, strconv.Itoa(f.Impression)), TextField(12, strconv.Itoa(bpx)))
	fgp := Field{Num: 13}
	for _, p := range f.Positions {
		fgp.Subfields = append(fgp.Subfields, Subfield{strconv.Itoa(p)})
	}
	fields = append(fields, fgp)
	if f.Comment != "" {
		fields = append(fields, TextField(20, f.Comment))
	}
	if typ == 13 && (len(f.Segments) > 0 || len(f.NFIQ) > 0 || len(f.Segmented) > 0) {
		return nil, errAt(ErrValue, 0, 13, 21, -1, "segments, NFIQ and segment quality exist only in Type-14")
	}
	fields = appendRepeating(fields, 21, len(f.Segments), func(i int) Subfield {
		s := f.Segments[i]
		return itoaAll(s.Position, s.Left, s.Right, s.Top, s.Bottom)
	})
	fields = appendRepeating(fields, 22, len(f.NFIQ), func(i int) Subfield { return itoaAll(f.NFIQ[i].Position, f.NFIQ[i].Score) })
	fields = appendRepeating(fields, 23, len(f.Segmented), func(i int) Subfield { return f.Segmented[i].subfield() })
	fields = appendRepeating(fields, 24, len(f.Quality), func(i int) Subfield { return f.Quality[i].subfield() })
	return assemble(typ, fields, f.Extra, f.Data)
}

func (q QualityMetric) subfield() Subfield {
	return Subfield{strconv.Itoa(q.Position), strconv.Itoa(q.Score), q.VendorID, strconv.Itoa(q.ProductID)}
}

func itoaAll(vs ...int) Subfield {
	s := make(Subfield, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return s
}

func appendRepeating(fields []Field, num, n int, sub func(int) Subfield) []Field {
	if n == 0 {
		return fields
	}
	f := Field{Num: num}
	for i := 0; i < n; i++ {
		f.Subfields = append(f.Subfields, sub(i))
	}
	return append(fields, f)
}

// FrictionRidgeImageOf reads a Type-13 or Type-14 record.
func FrictionRidgeImageOf(r *Record) (*FrictionRidgeImage, error) {
	if r.Type != 13 && r.Type != 14 {
		return nil, errAt(ErrValue, 0, r.Type, 0, -1, "not a Type-13/14 record")
	}
	info, err := imageInfoOf(r)
	if err != nil {
		return nil, err
	}
	f := &FrictionRidgeImage{ImageInfo: info, Type: r.Type, Comment: r.Text(20), Data: r.Data(999)}
	f.Impression, _ = r.Int(3)
	f.BitDepth, _ = r.Int(12)
	if fgp := r.Field(13); fgp != nil {
		for _, s := range fgp.Subfields {
			p, err := strconv.Atoi(s[0])
			if err != nil {
				return nil, errAt(ErrValue, 0, r.Type, 13, -1, "finger position %q is not a number", s[0])
			}
			f.Positions = append(f.Positions, p)
		}
	}
	ints := func(num int, sub Subfield, n int) ([]int, error) {
		if len(sub) != n {
			return nil, errAt(ErrValue, 0, r.Type, num, -1, "subfield has %d items, want %d", len(sub), n)
		}
		out := make([]int, n)
		for i, s := range sub {
			if out[i], err = strconv.Atoi(s); err != nil {
				return nil, errAt(ErrValue, 0, r.Type, num, -1, "item %q is not a number", s)
			}
		}
		return out, nil
	}
	for _, s := range subfieldsOf(r, 21) {
		v, err := ints(21, s, 5)
		if err != nil {
			return nil, err
		}
		f.Segments = append(f.Segments, Segment{v[0], v[1], v[2], v[3], v[4]})
	}
	for _, s := range subfieldsOf(r, 22) {
		v, err := ints(22, s, 2)
		if err != nil {
			return nil, err
		}
		f.NFIQ = append(f.NFIQ, NFIQ{v[0], v[1]})
	}
	for _, m := range []struct {
		num int
		dst *[]QualityMetric
	}{{23, &f.Segmented}, {24, &f.Quality}} {
		for _, s := range subfieldsOf(r, m.num) {
			if len(s) != 4 {
				return nil, errAt(ErrValue, 0, r.Type, m.num, -1, "quality metric needs 4 items, has %d", len(s))
			}
			v, err := ints(m.num, Subfield{s[0], s[1], s[3]}, 3)
			if err != nil {
				return nil, err
			}
			*m.dst = append(*m.dst, QualityMetric{Position: v[0], Score: v[1], VendorID: s[2], ProductID: v[2]})
		}
	}
	return f, nil
}

func subfieldsOf(r *Record, num int) []Subfield {
	if f := r.Field(num); f != nil {
		return f.Subfields
	}
	return nil
}

// String names the record for logs without any biometric content.
func (f *FrictionRidgeImage) String() string {
	return fmt.Sprintf("type-%d %dx%d %s FGP %v", f.Type, f.Width, f.Height, f.Compression, f.Positions)
}
