package ansinist

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var day = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func testHeader() Header {
	return Header{TOT: "ENR", Date: day, DAI: "DEST00001", ORI: "ORIG00001", TCN: "TCN-0001",
		NSR: 19.69, NTR: 19.69, Domain: &Domain{Name: "TEST", Version: "1.0"},
		GMT: time.Date(2026, 11, 22, 3, 4, 5, 0, time.UTC), CharSets: []CharSet{{Index: CharSetUTF8, Name: "UTF-8"}}}
}

// buildAll assembles one record of every typed kind.
func buildAll(t *testing.T) (*Transaction, map[string]any) {
	t.Helper()
	tx, err := NewTransaction(testHeader())
	if err != nil {
		t.Fatal(err)
	}
	pix := bytes.Repeat([]byte{0x7f}, 20*12)
	typed := map[string]any{
		"t4":  &LegacyFingerprint{Type: 4, IDC: 1, Impression: ImpressionLiveScanPlain, Positions: []int{2}, NativeRes: true, Width: 20, Height: 12, Compression: LegacyUncompressed, Data: pix},
		"t8":  &Signature{IDC: 2, Representation: SignatureVector, Vectors: []Vector{{0, 0, PenUp}, {10, 20, 100}, {30, 40, EndOfVectors}}},
		"t9":  &Minutiae378{IDC: 3, Impression: 0, Format: "U", FormatOwner: 27, FormatType: 513, ProductID: "ENRL", EquipmentID: "0001", Width: 545, Height: 622, Scale: ScalePPCM, HPS: 197, VPS: 197, View: 0, Position: 2, Quality: []QualityMetric{{Position: 2, Score: 80, VendorID: "0FFF", ProductID: 1}}, Minutiae: []Minutia{{1, 100, 200, 45, 60, MinutiaRidgeEnding}, {2, 150, 210, 90, 70, MinutiaBifurcation}}, RidgeCounts: []RidgeCount{{1, 2, 5}}, Cores: []Core{{300, 300, 10}}, Deltas: []Delta{{100, 500, 20}}},
		"t10": &FaceImage{ImageInfo: ImageInfo{IDC: 4, Source: "ORIG00001", Date: day, Width: 480, Height: 640, Scale: ScaleNone, HPS: 1, VPS: 1, Compression: CompressionJPEGB}, ColorSpace: "SRGB", SAP: 40, Pose: "F", Data: []byte{0xFF, 0xD8, 0x1C, 0x1D, 0xFF, 0xD9}},
		"t14": &FrictionRidgeImage{ImageInfo: ImageInfo{IDC: 5, Source: "ORIG00001", Date: day, Width: 20, Height: 12, Scale: ScalePPI, HPS: 500, VPS: 500, Compression: CompressionNone}, Type: 14, Impression: ImpressionLiveScanPlain, BitDepth: 8, Positions: []int{13}, Comment: "slap", Segments: []Segment{{2, 0, 5, 0, 11}, {3, 5, 10, 0, 11}}, NFIQ: []NFIQ{{2, 1}, {3, 254}}, Segmented: []QualityMetric{{2, 90, "0FFF", 2}}, Quality: []QualityMetric{{13, 77, "0FFF", 3}}, Data: pix},
	}
	u, err := UserDefined(0, TextField(18, "DOE,JOHN"), TextField(22, "19700208"), Field{Num: 47, Subfields: []Subfield{{"a", "b"}, {"c", "Ünïcödé"}}})
	if err != nil {
		t.Fatal(err)
	}
	recs := []*Record{u}
	for _, k := range []string{"t4", "t8", "t9", "t10", "t14"} {
		r, err := typed[k].(interface{ Record() (*Record, error) }).Record()
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		recs = append(recs, r)
	}
	if err := tx.Add(recs...); err != nil {
		t.Fatal(err)
	}
	return tx, typed
}

func TestTypedRoundTrip(t *testing.T) {
	tx, typed := buildAll(t)
	raw, err := tx.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	h, err := got.Header()
	if err != nil {
		t.Fatal(err)
	}
	want := testHeader()
	want.Version = Version0502
	if !reflect.DeepEqual(*h, want) {
		t.Errorf("header\n got  %+v\n want %+v", *h, want)
	}
	if got.Records[1].Text(18) != "DOE,JOHN" || got.Records[1].Field(47).Item(1, 1) != "Ünïcödé" {
		t.Errorf("type-2 fields lost: %+v", got.Records[1].Fields)
	}
	readers := map[string]func(*Record) (any, error){
		"t4":  func(r *Record) (any, error) { return LegacyFingerprintOf(r) },
		"t8":  func(r *Record) (any, error) { return SignatureOf(r) },
		"t9":  func(r *Record) (any, error) { return Minutiae378Of(r) },
		"t10": func(r *Record) (any, error) { return FaceImageOf(r) },
		"t14": func(r *Record) (any, error) { return FrictionRidgeImageOf(r) },
	}
	for i, k := range []string{"t4", "t8", "t9", "t10", "t14"} {
		back, err := readers[k](got.Records[i+2])
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		w := typed[k]
		if s, ok := back.(*Signature); ok {
			s.Data = nil // the reader keeps the raw vector bytes too
		}
		if !reflect.DeepEqual(back, w) {
			t.Errorf("%s\n got  %+v\n want %+v", k, back, w)
		}
	}
	// Re-encoding what was read gives the same bytes.
	again, err := got.Marshal()
	if err != nil || !bytes.Equal(again, raw) {
		t.Fatalf("second encoding differs: %v", err)
	}
}

// TestLenFixedPoint grows a record across the 2→3 and 3→4 digit boundaries of LEN.
func TestLenFixedPoint(t *testing.T) {
	for pad := 0; pad < 1100; pad++ {
		tx, err := NewTransaction(testHeader())
		if err != nil {
			t.Fatal(err)
		}
		u, _ := UserDefined(0, TextField(18, strings.Repeat("x", pad+1)))
		if err := tx.Add(u); err != nil {
			t.Fatal(err)
		}
		raw, err := tx.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Unmarshal(raw); err != nil {
			t.Fatalf("pad %d: %v", pad, err)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func() error
		want  error
		field int
	}{
		{"header no TOT", func() error { h := testHeader(); h.TOT = ""; _, err := h.Record(); return err }, ErrMissing, 4},
		{"header bad version", func() error { h := testHeader(); h.Version = "0300"; _, err := h.Record(); return err }, ErrValue, 2},
		{"header no date", func() error { h := testHeader(); h.Date = time.Time{}; _, err := h.Record(); return err }, ErrMissing, 5},
		{"type2 dup", func() error { _, err := UserDefined(0, TextField(5, "a"), TextField(5, "b")); return err }, ErrValue, 5},
		{"type2 idc", func() error { _, err := UserDefined(100); return err }, ErrValue, 2},
		{"type4 size", func() error {
			_, err := (&LegacyFingerprint{IDC: 1, Positions: []int{1}, Width: 2, Height: 2, Data: []byte{1}}).Record()
			return err
		}, ErrValue, 9},
		{"type4 positions", func() error { _, err := (&LegacyFingerprint{IDC: 1}).Record(); return err }, ErrValue, 4},
		{"type8 no end", func() error {
			_, err := (&Signature{Representation: SignatureVector, Vectors: []Vector{{1, 1, 1}}}).Record()
			return err
		}, ErrValue, 8},
		{"type14 no data", func() error {
			_, err := (&FrictionRidgeImage{ImageInfo: ImageInfo{IDC: 1, Source: "X", Date: day, Width: 10, Height: 10, Scale: 1, HPS: 500, VPS: 500, Compression: CompressionWSQ}, Positions: []int{1}}).Record()
			return err
		}, ErrMissing, 999},
		{"type14 no fgp", func() error {
			_, err := (&FrictionRidgeImage{ImageInfo: ImageInfo{IDC: 1, Source: "X", Date: day, Width: 10, Height: 10, Scale: 1, HPS: 500, VPS: 500, Compression: CompressionWSQ}, Data: []byte{1}}).Record()
			return err
		}, ErrMissing, 13},
		{"type10 no csp", func() error {
			_, err := (&FaceImage{ImageInfo: ImageInfo{IDC: 1, Source: "X", Date: day, Width: 10, Height: 10, HPS: 1, VPS: 1, Compression: CompressionJPEGB}, Data: []byte{1}}).Record()
			return err
		}, ErrMissing, 12},
		{"type9 angle", func() error {
			_, err := (&Minutiae378{Minutiae: []Minutia{{Angle: 180}}}).Record()
			return err
		}, ErrValue, 137},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.build()
			var e *Error
			if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Field != tc.field {
				t.Fatalf("err = %v, want %v at field %d", err, tc.want, tc.field)
			}
		})
	}
}

func TestMarshalRejects(t *testing.T) {
	tx, _ := buildAll(t)
	tx.Records[1].Set(TextField(30, "bad\x1evalue"))
	if _, err := tx.Marshal(); !errors.Is(err, ErrValue) {
		t.Fatalf("separator in item: %v", err)
	}
	tx, _ = buildAll(t)
	tx.Records = tx.Records[:3] // CNT now lists records that are gone
	if _, err := tx.Marshal(); !errors.Is(err, ErrContent) {
		t.Fatalf("stale CNT: %v", err)
	}
}

func TestValidateFindsViolations(t *testing.T) {
	tx, _ := buildAll(t)
	tx.Records[0].Set(TextField(9, "TCN-é"))     // non-ASCII in Type-1
	tx.Records[1].Set(TextField(30, "\xff\xfe")) // invalid UTF-8 with DCS UTF-8
	tx.Records[3].Fields[1] = TextField(2, "7")  // Type-8 IDC no longer matches CNT
	err := tx.Validate()
	for _, want := range []string{"field 1.009", "field 2.030", "field 8.002"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want a violation at %s", err, want)
		}
	}
}

func TestMarshalAddsLEN(t *testing.T) {
	tx, err := NewTransaction(testHeader())
	if err != nil {
		t.Fatal(err)
	}
	// A hand-made record without 2.001.
	if err := tx.Add(&Record{Type: 2, Fields: []Field{TextField(2, "00"), TextField(18, "X")}}); err != nil {
		t.Fatal(err)
	}
	raw, err := tx.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(raw)
	if err != nil || back.Records[1].Text(18) != "X" {
		t.Fatalf("%v %+v", err, back)
	}
	tx.Records[1].Fields = append(tx.Records[1].Fields, TextField(18, "again"))
	if _, err := tx.Marshal(); !errors.Is(err, ErrValue) {
		t.Fatalf("duplicate field: %v", err)
	}
}

func TestType13PNG(t *testing.T) {
	fr := &FrictionRidgeImage{ImageInfo: ImageInfo{IDC: 1, Source: "LAB", Date: day, Width: 40, Height: 50, Scale: ScalePPI, HPS: 1000, VPS: 1000, Compression: CompressionPNG},
		Type: 13, Impression: 4, Positions: []int{0}, Quality: []QualityMetric{{0, 55, "0FFF", 9}}, Data: []byte("\x89PNG\r\n\x1a\n")}
	r, err := fr.Record()
	if err != nil {
		t.Fatal(err)
	}
	if r.Field(24) == nil || r.Field(24).Item(0, 1) != "55" || r.Field(22) != nil {
		t.Fatalf("13.024 LQM not written: %+v", r.Fields)
	}
	back, err := FrictionRidgeImageOf(r)
	if err != nil || back.Compression != CompressionPNG || back.Quality[0].ProductID != 9 {
		t.Fatalf("%+v %v", back, err)
	}
	fr.NFIQ = []NFIQ{{0, 1}}
	if _, err := fr.Record(); !errors.Is(err, ErrValue) {
		t.Fatalf("NFIQ in Type-13 accepted: %v", err)
	}
}

func TestValidateRejectsUTF16(t *testing.T) {
	h := testHeader()
	h.CharSets = []CharSet{{Index: CharSetUTF16, Name: "UTF-16"}}
	tx, err := NewTransaction(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Validate(); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "field 1.015") {
		t.Fatalf("Validate() = %v", err)
	}
}
