package iso19794

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
)

func sampleFinger() *FingerRecord {
	return &FingerRecord{CaptureDevice: 0x1234, AcquisitionLevel: 31, ScaleUnits: UnitsPPI, ScanResH: 500, ScanResV: 500,
		ImageResH: 500, ImageResV: 500, PixelDepth: 8, Compression: CompressionWSQ,
		Views: []FingerView{
			{Position: 2, ViewCount: 1, ViewNumber: 1, Quality: 80, Impression: 0, Width: 300, Height: 400, Data: []byte{0xFF, 0xA0, 1, 2, 0xFF, 0xA1}},
			{Position: 7, ViewCount: 1, ViewNumber: 1, Quality: 254, Impression: 0, Width: 300, Height: 400, Data: []byte{0xFF, 0xA0, 0xFF, 0xA1}},
		}}
}

func sampleFace() *FaceRecord {
	return &FaceRecord{Faces: []Face{{
		Gender: 1, EyeColor: 3, HairColor: 2, FeatureMask: 0x000001, Expression: 1, Pose: [3]uint8{91, 91, 91},
		FeaturePoints: []FeaturePoint{{Type: 1, Code: 0x31, X: 200, Y: 250}, {Type: 1, Code: 0x32, X: 300, Y: 250}},
		ImageType:     FaceFullFrontal, DataType: FaceJPEG, Width: 480, Height: 640, ColorSpace: 1, SourceType: 2, DeviceType: 0, Quality: 0,
		Data: []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9},
	}}}
}

func TestFingerRoundTrip(t *testing.T) {
	r := sampleFinger()
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 32+2*14+6+4 || !bytes.HasPrefix(b, []byte("FIR\x00010\x00")) {
		t.Fatalf("unexpected encoding % x", b[:16])
	}
	if got := uint64(b[8])<<40 | uint64(b[9])<<32 | uint64(binary.BigEndian.Uint32(b[10:])); got != uint64(len(b)) {
		t.Fatalf("record length %d, want %d", got, len(b))
	}
	back, err := DecodeFinger(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Fatalf("got %+v\nwant %+v", back, r)
	}
}

func TestFingerErrors(t *testing.T) {
	good, _ := sampleFinger().Encode()
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		in   []byte
		want error
		off  int
	}{
		{"short", good[:20], ErrTruncated, 0},
		{"magic", mod(func(b []byte) []byte { b[0] = 'X'; return b }), ErrFormat, 0},
		{"version 2011", mod(func(b []byte) []byte { copy(b[4:], "020\x00"); return b }), ErrVersion, 4},
		{"record length", mod(func(b []byte) []byte { b[13]++; return b }), ErrLength, 8},
		{"view length", mod(func(b []byte) []byte { b[35] += 100; return b }), ErrLength, 32},
		{"count too high", mod(func(b []byte) []byte { b[18] = 3; return b[:len(b)] }), ErrTruncated, len(good)},
		{"count too low", mod(func(b []byte) []byte { b[18] = 1; return b }), ErrLength, 18},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeFinger(tc.in)
			var e *Error
			if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Offset != tc.off {
				t.Fatalf("err = %v, want %v at byte %d", err, tc.want, tc.off)
			}
		})
	}
}

func TestFaceRoundTrip(t *testing.T) {
	r := sampleFace()
	r.Faces = append(r.Faces, Face{ImageType: FaceTokenFrontal, DataType: FaceJPEG2000, Width: 10, Height: 10, Data: []byte{0, 0, 0, 0x0C}})
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.BigEndian.Uint32(b[8:]); int(got) != len(b) {
		t.Fatalf("record length %d, want %d", got, len(b))
	}
	back, err := DecodeFace(b, &FaceOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Fatalf("got %+v\nwant %+v", back, r)
	}
}

// TestFaceLenient covers record and block lengths off by up to 8 bytes, as seen in
// issued passports, and checks that re-encoding writes exact lengths.
func TestFaceLenient(t *testing.T) {
	good, _ := sampleFace().Encode()
	setU32 := func(b []byte, at int, delta int) []byte {
		c := append([]byte(nil), b...)
		binary.BigEndian.PutUint32(c[at:], uint32(int(binary.BigEndian.Uint32(c[at:]))+delta))
		return c
	}
	tests := []struct {
		name                string
		in                  []byte
		opts                *FaceOptions
		want                error
		recSlack, blockSlck int
	}{
		{"exact", good, nil, nil, 0, 0},
		{"record +1", setU32(good, 8, 1), nil, nil, 1, 0},
		{"record -8", setU32(good, 8, -8), nil, nil, -8, 0},
		{"record +9", setU32(good, 8, 9), nil, ErrLength, 0, 0},
		{"record +1 strict", setU32(good, 8, 1), &FaceOptions{Strict: true}, ErrLength, 0, 0},
		{"block +4", setU32(good, 14, 4), nil, nil, 0, 4},
		{"block -3", setU32(good, 14, -3), nil, nil, 0, -3},
		{"block +9", setU32(good, 14, 9), nil, ErrLength, 0, 0},
		{"both +2", setU32(setU32(good, 8, 2), 14, 2), nil, nil, 2, 2},
		{"slack 2", setU32(good, 8, 3), &FaceOptions{MaxSlack: 2}, ErrLength, 0, 0},
		{"truncated", setU32(good[:30], 8, 30-len(good)), nil, ErrTruncated, 0, 0},
		{"no faces", setU32(append(append([]byte{}, good[:12]...), 0, 0), 8, 14-len(good)), nil, ErrValue, 0, 0},
		{"version", append([]byte("FAC\x00020\x00"), good[8:]...), nil, ErrVersion, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DecodeFace(tc.in, tc.opts)
			if tc.want != nil {
				var e *Error
				if !errors.Is(err, tc.want) || !errors.As(err, &e) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.LengthSlack != tc.recSlack || r.Faces[0].BlockLengthSlack != tc.blockSlck {
				t.Fatalf("slack %d/%d, want %d/%d", r.LengthSlack, r.Faces[0].BlockLengthSlack, tc.recSlack, tc.blockSlck)
			}
			if !bytes.Equal(r.Faces[0].Data, sampleFace().Faces[0].Data) {
				t.Fatalf("image data % x", r.Faces[0].Data)
			}
			out, err := r.Encode()
			if err != nil || !bytes.Equal(out, good) {
				t.Fatalf("re-encoding is not exact: %v", err)
			}
		})
	}
}
