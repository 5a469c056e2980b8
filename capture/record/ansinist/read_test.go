package ansinist

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// tagged builds a tagged record from "NNN:value" strings, finding LEN by brute force
// (independently of the writer's solveLen).
func tagged(typ int, fields ...string) string {
	body := ""
	for _, f := range fields {
		body += fmt.Sprintf("\x1d%d.%s", typ, f)
	}
	for n := len(body); ; n++ {
		s := fmt.Sprintf("%d.001:%d%s\x1c", typ, n, body)
		if len(s) == n {
			return s
		}
	}
}

// binRec builds a binary record with an 18-byte (types 3–7) or 12-byte (type 8) header.
func binRec(typ int, idc byte, hdr []byte, data []byte) string {
	n := 5 + len(hdr) + len(data)
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, idc)
	b = append(b, hdr...)
	return string(append(b, data...))
}

func type1(cnt string) string {
	return tagged(1, "002:0502", "003:"+cnt, "004:TEST", "005:20260101", "007:DEST", "008:ORIG", "009:TCN1", "011:19.69", "012:19.69")
}

var legacyHdr = []byte{1, 1, 255, 255, 255, 255, 255, 1, 0, 2, 0, 2, 0}

func TestReadValid(t *testing.T) {
	img := []byte{0x1c, 0x1d, 0x1e, 0x1f, ':', 0x1c} // separators inside data must not matter
	tests := []struct {
		name  string
		in    string
		types []int
	}{
		{"type1 only", type1("1\x1f0"), []int{1}},
		{"two-digit tags", "1.01:27\x1d1.02:0200\x1d1.03:1\x1f0\x1c", []int{1}},
		{"type2", type1("1\x1f1\x1e2\x1f00") + tagged(2, "002:00", "018:DOE,JOHN", "047:a\x1fb\x1ec"), []int{1, 2}},
		{"type14 data with separators", type1("1\x1f1\x1e14\x1f01") + tagged(14, "002:01", "999:"+string(img)), []int{1, 14}},
		{"type4 binary", type1("1\x1f1\x1e4\x1f01") + binRec(4, 1, legacyHdr, []byte{1, 2, 3, 4}), []int{1, 4}},
		{"type8 vector", type1("1\x1f1\x1e8\x1f02") + binRec(8, 2, []byte{0, 2, 0, 0, 0, 0, 0}, []byte{0, 1, 0, 1, 9, 0, 2, 0, 2, 255}), []int{1, 8}},
		{"type7 short", type1("1\x1f1\x1e7\x1f03") + binRec(7, 3, nil, []byte{9, 9}), []int{1, 7}},
		{"empty value", type1("1\x1f1\x1e2\x1f00") + tagged(2, "002:00", "005:"), []int{1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// One byte at a time: the reader must not depend on large reads.
			tx, err := Read(iotest.OneByteReader(strings.NewReader(tc.in)), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, r := range tx.Records {
				got = append(got, r.Type)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.types) {
				t.Fatalf("types %v, want %v", got, tc.types)
			}
			out, err := tx.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.in {
				t.Fatalf("round trip:\n got  %q\n want %q", out, tc.in)
			}
		})
	}
}

func TestReadDataField(t *testing.T) {
	img := []byte{0x1c, 0x1d, 0x1e, 0x1f, ':', 0x1c}
	tx, err := Unmarshal([]byte(type1("1\x1f1\x1e14\x1f01") + tagged(14, "002:01", "999:"+string(img))))
	if err != nil {
		t.Fatal(err)
	}
	if got := tx.Records[1].Data(999); !bytes.Equal(got, img) {
		t.Fatalf("14.999 = %x, want %x", got, img)
	}
}

func TestReadErrors(t *testing.T) {
	t1 := type1("1\x1f1\x1e2\x1f00")
	good2 := tagged(2, "002:00", "018:X")
	tests := []struct {
		name   string
		in     string
		want   error
		record int
		field  int
		offset int64 // -2: don't check
	}{
		{"empty", "", ErrTruncated, 1, 0, 0},
		{"not type1", good2, ErrContent, 1, 0, 0},
		{"len not numeric", "1.001:1x\x1d1.002:0502\x1c", ErrSyntax, 1, 1, 6},
		{"len too short", "1.001:5\x1d1.002:0502\x1c", ErrLength, 1, 1, 0},
		{"len too long", strings.Replace(type1("1\x1f0"), "1.001:", "1.001:9", 1), ErrTruncated, 1, 0, -2},
		{"fs early", "1.001:38\x1d1.003:1\x1f0\x1c1.002:0502\x1d1.004:X\x1c", ErrLength, 1, 3, 18},
		{"no fs at end", "1.001:30\x1d1.003:1\x1f0\x1d1.002:0502\x1d", ErrLength, 1, 1, 29},
		{"bad tag", "1.001:19\x1d1.0x3:1\x1f0\x1c", ErrSyntax, 1, 0, 9},
		{"foreign tag", "1.001:19\x1d2.003:1\x1f0\x1c", ErrSyntax, 1, 3, 9},
		{"duplicate", "1.001:29\x1d1.003:1\x1f0\x1d1.003:1\x1f0\x1c", ErrSyntax, 1, 3, 19},
		{"cnt count", type1("1\x1f2\x1e2\x1f00"), ErrContent, 1, 3, 0},
		{"cnt missing", tagged(1, "002:0502"), ErrMissing, 1, 3, 0},
		{"records missing", t1, ErrContent, 2, 0, int64(len(t1))},
		{"type mismatch", t1 + tagged(10, "002:00"), ErrContent, 2, 0, int64(len(t1))},
		{"trailing data", t1 + good2 + "x", ErrContent, 3, 0, int64(len(t1 + good2))},
		{"binary short", type1("1\x1f1\x1e4\x1f01") + "\x00\x00\x00\x08\x01\x01\x01\x01", ErrLength, 2, 1, -2},
		{"binary truncated", type1("1\x1f1\x1e4\x1f01") + "\x00\x00\x01\x00\x01", ErrTruncated, 2, 0, -2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(tc.in))
			// The streaming path reports the same error as the in-memory one.
			if _, err2 := Read(iotest.OneByteReader(strings.NewReader(tc.in)), nil); fmt.Sprint(err2) != fmt.Sprint(err) {
				t.Fatalf("stream: %v\nslice:  %v", err2, err)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not *Error", err)
			}
			if e.Record != tc.record || e.Field != tc.field || (tc.offset != -2 && e.Offset != tc.offset) {
				t.Fatalf("located at record %d field %d offset %d; want %d %d %d (%v)", e.Record, e.Field, e.Offset, tc.record, tc.field, tc.offset, err)
			}
		})
	}
}

func TestReaderStreams(t *testing.T) {
	in := type1("1\x1f2\x1e2\x1f00\x1e4\x1f01") + tagged(2, "002:00") + binRec(4, 1, legacyHdr, []byte{7, 7, 7, 7})
	r := NewReader(strings.NewReader(in), nil)
	var types []int
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, rec.Type)
	}
	if fmt.Sprint(types) != "[1 2 4]" {
		t.Fatalf("types %v", types)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after end: %v", err)
	}
}

func TestReadLimit(t *testing.T) {
	in := type1("1\x1f1\x1e2\x1f00") + tagged(2, "002:00", "018:"+strings.Repeat("x", 200))
	_, err := Read(strings.NewReader(in), &ReadOptions{MaxRecordBytes: 100})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestSolveLen(t *testing.T) {
	for fixed := 0; fixed < 20000; fixed++ {
		n := solveLen(fixed)
		if n != fixed+len(fmt.Sprint(n)) {
			t.Fatalf("solveLen(%d) = %d", fixed, n)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	t1 := type1("1\x1f1\x1e14\x1f01")
	rec := strings.Replace(tagged(14, "002:01", "999:abc"), "14.999:", "14.999;", 1)
	_, err := Unmarshal([]byte(t1 + rec))
	want := fmt.Sprintf("ansinist: record 2 (type 14) at byte %d: no field tag (T.NNN:) (syntax error)", len(t1)+strings.Index(rec, "14.999;"))
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	e := &Error{Record: 3, Type: 14, Field: 999, Offset: 1234, Msg: "data ends early", Err: ErrTruncated}
	if got := e.Error(); got != "ansinist: record 3 (type 14) field 14.999 at byte 1234: data ends early (truncated input)" {
		t.Fatalf("Error() = %q", got)
	}
}
