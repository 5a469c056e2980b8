package isdv4

import (
	"bytes"
	"errors"
	"testing"
)

func TestKnownVectors(t *testing.T) {
	pen := []byte{0xa1, 0x18, 0x0e, 0x0d, 0x21, 0x00, 0x2c, 0x00, 0x00}
	p, err := DecodePen(pen)
	if err != nil {
		t.Fatal(err)
	}
	want := PenPacket{X: 12345, Y: 6789, Pressure: 512, Proximity: true, Tip: true}
	if p != want {
		t.Errorf("DecodePen = %+v, want %+v", p, want)
	}
	if b, err := EncodePen(want); err != nil || !bytes.Equal(b[:], pen) {
		t.Errorf("EncodePen = % x, %v; want % x", b, err, pen)
	}

	query := []byte{0xc0, 0x33, 0x16, 0x1f, 0x71, 0x7f, 0x49, 0x00, 0x00, 0x00, 0x16}
	q, err := DecodeQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	wantQ := QueryReply{MaxX: 26202, MaxY: 16325, MaxPressure: 255, Version: 22}
	if q != wantQ {
		t.Errorf("DecodeQuery = %+v, want %+v", q, wantQ)
	}
	if b, err := EncodeQuery(wantQ); err != nil || !bytes.Equal(b[:], query) {
		t.Errorf("EncodeQuery = % x, %v; want % x", b, err, query)
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"short", []byte{0xa1, 0x18}, ErrShort},
		{"no header bit", []byte{0x21, 0x18, 0x0e, 0x0d, 0x21, 0x00, 0x2c, 0x00, 0x00}, ErrHeader},
		{"header in data", []byte{0xa1, 0x18, 0x0e, 0x8d, 0x21, 0x00, 0x2c, 0x00, 0x00}, ErrData},
		{"query as pen", []byte{0xc0, 0x33, 0x16, 0x1f, 0x71, 0x7f, 0x49, 0x00, 0x00}, ErrHeader},
		{"touch as pen", []byte{0x90, 0x33, 0x16, 0x1f, 0x71, 0x7f, 0x49, 0x00, 0x00}, ErrHeader},
	}
	for _, c := range cases {
		if _, err := DecodePen(c.b); !errors.Is(err, c.want) {
			t.Errorf("%s: DecodePen err = %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := DecodeQuery([]byte{0xa1, 0x18, 0x0e, 0x0d, 0x21, 0x00, 0x2c, 0x00, 0x00, 0, 0}); !errors.Is(err, ErrHeader) {
		t.Errorf("pen as query: %v", err)
	}
	if _, err := EncodePen(PenPacket{X: 70000}); !errors.Is(err, ErrRange) {
		t.Errorf("EncodePen out of range: %v", err)
	}
	if _, err := EncodePen(PenPacket{Pressure: 1024}); !errors.Is(err, ErrRange) {
		t.Errorf("EncodePen pressure 1024: %v", err)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, p := range []PenPacket{
		{},
		{X: maxCoordinate, Y: maxCoordinate, Pressure: maxPressureVal, Proximity: true, Tip: true, Side1: true, Side2: true, TiltX: 127, TiltY: 127},
		{X: 1, Y: 2, Pressure: 3, Proximity: true},
		{X: 26202, Y: 16325, Pressure: 255, Tip: true, Proximity: true, Side1: true},
	} {
		b, err := EncodePen(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodePen(b[:])
		if err != nil || got != p {
			t.Errorf("round trip %+v -> % x -> %+v, %v", p, b, got, err)
		}
	}
}

func TestScannerResync(t *testing.T) {
	a, _ := EncodePen(PenPacket{X: 100, Y: 200, Pressure: 10, Proximity: true, Tip: true})
	b, _ := EncodePen(PenPacket{X: 101, Y: 201, Pressure: 11, Proximity: true, Tip: true})
	q, _ := EncodeQuery(QueryReply{MaxX: 26202, MaxY: 16325, MaxPressure: 255, Version: 22})
	var stream []byte
	stream = append(stream, 0x12, 0x34) // line noise before anything
	stream = append(stream, a[:5]...)   // truncated packet
	stream = append(stream, q[:]...)
	stream = append(stream, 0x90, 0x01, 0x02, 0x03, 0x04) // touch packet, skipped
	stream = append(stream, a[:]...)
	stream = append(stream, b[:]...)

	var s Scanner
	var got []Frame
	for i := range stream { // byte by byte, as a slow line delivers them
		s.Feed(stream[i : i+1])
		for f, ok := s.Next(); ok; f, ok = s.Next() {
			got = append(got, f)
		}
	}
	if len(got) != 3 || got[0].Kind != FrameQuery || got[1].Pen.X != 100 || got[2].Pen.X != 101 {
		t.Fatalf("frames = %+v", got)
	}
	if s.Stats.Truncated != 1 || s.Stats.Dropped != 6 || s.Stats.Touch != 1 || s.Stats.Packets != 3 {
		t.Errorf("stats = %+v", s.Stats)
	}
}

func FuzzDecodePen(f *testing.F) {
	f.Add([]byte{0xa1, 0x18, 0x0e, 0x0d, 0x21, 0x00, 0x2c, 0x00, 0x00})
	f.Add([]byte{0xc0, 0x33, 0x16, 0x1f, 0x71, 0x7f, 0x49, 0x00, 0x00, 0x00, 0x16})
	f.Fuzz(func(t *testing.T, b []byte) {
		// Unused header bits are ignored, so compare decoded values, not bytes.
		if p, err := DecodePen(b); err == nil {
			enc, err := EncodePen(p)
			if err != nil {
				t.Fatalf("pen % x decodes to %+v which does not encode: %v", b, p, err)
			}
			if p2, err := DecodePen(enc[:]); err != nil || p2 != p {
				t.Fatalf("pen % x -> %+v -> % x -> %+v (%v)", b, p, enc, p2, err)
			}
		}
		if q, err := DecodeQuery(b); err == nil {
			enc, err := EncodeQuery(q)
			if err != nil {
				t.Fatalf("query % x decodes to %+v which does not encode: %v", b, q, err)
			}
			if q2, err := DecodeQuery(enc[:]); err != nil || q2 != q {
				t.Fatalf("query % x -> %+v -> % x -> %+v (%v)", b, q, enc, q2, err)
			}
		}
	})
}

func FuzzScanner(f *testing.F) {
	f.Add([]byte{0x12, 0xa1, 0x18, 0x0e, 0xa1, 0x18, 0x0e, 0x0d, 0x21, 0x00, 0x2c, 0x00, 0x00})
	f.Add([]byte{0xc0, 0x33, 0x16, 0x1f, 0x71, 0x7f, 0x49, 0x00, 0x00, 0x00, 0x16, 0x90, 1, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Scanner
		s.Feed(b)
		n := 0
		for f, ok := s.Next(); ok; f, ok = s.Next() {
			n++
			if f.Kind != FramePen && f.Kind != FrameQuery {
				t.Fatalf("frame kind %d", f.Kind)
			}
		}
		if n != s.Stats.Packets || len(s.buf) > QueryReplyLen {
			t.Fatalf("packets %d stats %+v buffered %d", n, s.Stats, len(s.buf))
		}
	})
}
