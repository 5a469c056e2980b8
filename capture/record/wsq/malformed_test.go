package wsq

import (
	"encoding/binary"
	"errors"
	"testing"
)

// smallFile is a valid file to corrupt.
func smallFile(t testing.TB) []byte {
	t.Helper()
	var e Encoder
	data, err := e.Encode(ridges(40, 36, 11), &Options{BitRate: 1})
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), data...)
}

// segmentAt returns the offset of the first marker m in the header part of
// data (before the first block's entropy-coded data).
func segmentAt(t testing.TB, data []byte, m int) int {
	t.Helper()
	pos := 2
	for pos+4 <= len(data) {
		got := int(binary.BigEndian.Uint16(data[pos:]))
		if got == m {
			return pos
		}
		if got == markerSOB {
			break
		}
		pos += 2 + int(binary.BigEndian.Uint16(data[pos+2:]))
	}
	t.Fatalf("marker %s not found", markerName(m))
	return 0
}

func wantFormatError(t *testing.T, name string, err error, sentinel error, segment string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Errorf("%s: got %v, want a *FormatError", name, err)
		return
	}
	if !errors.Is(err, sentinel) || (segment != "" && fe.Segment != segment) {
		t.Errorf("%s: got %v (segment %q), want %v in %s", name, err, fe.Segment, sentinel, segment)
	}
}

func TestMalformed(t *testing.T) {
	good := smallFile(t)
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	dtt, sof, dht := segmentAt(t, good, markerDTT), segmentAt(t, good, markerSOF), segmentAt(t, good, markerDHT)
	sob := dht + 2 + int(binary.BigEndian.Uint16(good[dht+2:]))
	cases := []struct {
		name     string
		data     []byte
		sentinel error
		segment  string
	}{
		{"empty", nil, ErrTruncated, "marker"},
		{"JPEG", []byte{0xFF, 0xD8, 0xFF, 0xE0}, ErrFormat, "marker"},
		{"no SOI", mutate(func(b []byte) []byte { return b[2:] }), ErrFormat, "SOI"},
		{"EOI first", []byte{0xFF, 0xA0, 0xFF, 0xA1}, ErrFormat, "EOI"},
		{"8/8 filters", mutate(func(b []byte) []byte { b[dtt+4], b[dtt+5] = 8, 8; return b }), ErrUnsupported, "DTT"},
		{"5/3 length mismatch", mutate(func(b []byte) []byte { b[dtt+4], b[dtt+5] = 5, 3; return b }), ErrFormat, "DTT"},
		{"bad DTT sign", mutate(func(b []byte) []byte { b[dtt+6] = 7; return b }), ErrFormat, "DTT"},
		{"zero width", mutate(func(b []byte) []byte { b[sof+8], b[sof+9] = 0, 0; return b }), ErrFormat, "SOF"},
		{"huge frame", mutate(func(b []byte) []byte {
			copy(b[sof+6:], []byte{0xFF, 0xFF, 0xFF, 0xFF})
			return b
		}), ErrTooLarge, "SOF"},
		{"short SOF", mutate(func(b []byte) []byte { b[sof+3] = 10; return b }), ErrFormat, "SOF"},
		{"segment past end", mutate(func(b []byte) []byte { b[dtt+2], b[dtt+3] = 0xFF, 0xF0; return b[:dtt+100] }), ErrTruncated, "DTT"},
		{"length below 2", mutate(func(b []byte) []byte { b[dtt+2], b[dtt+3] = 0, 1; return b }), ErrFormat, "DTT"},
		{"oversubscribed DHT", mutate(func(b []byte) []byte { b[dht+5] = 3; return b }), ErrFormat, "DHT"},
		{"DHT table 9", mutate(func(b []byte) []byte { b[dht+4] = 9; return b }), ErrFormat, "DHT"},
		{"undefined table", mutate(func(b []byte) []byte { b[sob+4] = 5; return b }), ErrFormat, "SOB"},
		{"no EOI", mutate(func(b []byte) []byte { return b[:len(b)-2] }), ErrTruncated, "SOB"},
		{"unknown marker", mutate(func(b []byte) []byte { b[sof+1] = 0xC0; return b }), ErrFormat, "marker"},
		{"missing blocks", mutate(func(b []byte) []byte { return append(b[:sob], 0xFF, 0xA1) }), ErrFormat, "EOI"},
	}
	for _, c := range cases {
		_, _, err := NewDecoder(nil).Decode(c.data)
		wantFormatError(t, c.name, err, c.sentinel, c.segment)
	}
}

// TestTruncations cuts a valid file at every length: each prefix must fail
// with a FormatError whose offset lies inside the data.
func TestTruncations(t *testing.T) {
	good := smallFile(t)
	d := NewDecoder(nil)
	for n := 0; n < len(good); n++ {
		_, _, err := d.Decode(good[:n])
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("prefix of %d bytes: got %v, want a *FormatError", n, err)
		}
		if fe.Offset < 0 || fe.Offset > n {
			t.Fatalf("prefix of %d bytes: offset %d outside the data: %v", n, fe.Offset, err)
		}
	}
}

// TestCorruptEntropyData flips bytes inside the coded blocks: the decoder
// must return an image or an error, never panic.
func TestCorruptEntropyData(t *testing.T) {
	good := smallFile(t)
	d := NewDecoder(nil)
	start := segmentAt(t, good, markerDHT)
	for i := start; i < len(good)-2; i++ {
		b := append([]byte(nil), good...)
		b[i] ^= 0x5A
		img, info, err := d.Decode(b)
		if err == nil && (img.Rect.Dx() != info.Width || img.Rect.Dy() != info.Height) {
			t.Fatalf("flip at %d: image %v but header %d×%d", i, img.Rect, info.Width, info.Height)
		}
	}
}

// TestTinyFrames rewrites the frame size of a valid file to every size up
// to 40 × 40: tiny subbands (down to a single sample or none) must decode
// or fail cleanly.
func TestTinyFrames(t *testing.T) {
	good := smallFile(t)
	sof := segmentAt(t, good, markerSOF)
	d := NewDecoder(nil)
	for w := 1; w <= 40; w++ {
		for h := 1; h <= 40; h++ {
			b := append([]byte(nil), good...)
			binary.BigEndian.PutUint16(b[sof+6:], uint16(h))
			binary.BigEndian.PutUint16(b[sof+8:], uint16(w))
			img, _, err := d.Decode(b)
			if err != nil {
				var fe *FormatError
				if !errors.As(err, &fe) {
					t.Fatalf("%d×%d: %v", w, h, err)
				}
				continue
			}
			if img.Rect.Dx() != w || img.Rect.Dy() != h {
				t.Fatalf("%d×%d: decoded %v", w, h, img.Rect)
			}
		}
	}
}

// TestTinyImages codes images below MinDimension through the internal
// encoder: the transform must handle subbands of one sample or none.
func TestTinyImages(t *testing.T) {
	d := NewDecoder(nil)
	for w := 1; w < MinDimension; w += 3 {
		for h := 1; h < MinDimension; h += 2 {
			var e Encoder
			data := e.encode(ridges(w, h, 1), Options{BitRate: 2.25, PPI: 500})
			img, _, err := d.Decode(data)
			if err != nil {
				t.Fatalf("%d×%d: %v", w, h, err)
			}
			if img.Rect.Dx() != w || img.Rect.Dy() != h {
				t.Fatalf("%d×%d: decoded %v", w, h, img.Rect)
			}
		}
	}
}

func TestFormatErrorMessage(t *testing.T) {
	_, _, err := NewDecoder(nil).Decode([]byte{0xFF, 0xA0, 0xFF, 0xA2, 0x00, 0x05, 1, 2, 3})
	if err == nil {
		t.Fatal("no error")
	}
	const want = "wsq: SOF at byte 4: frame header is 3 bytes, want 15"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
