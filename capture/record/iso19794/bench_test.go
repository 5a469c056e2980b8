package iso19794

import (
	"bytes"
	"testing"
)

// BenchmarkDecodeFace decodes a face record holding a 30 kB image.
func BenchmarkDecodeFace(b *testing.B) {
	r := sampleFace()
	r.Faces[0].Data = bytes.Repeat([]byte{0xA5}, 30_000)
	raw, err := r.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeFace(raw, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeFinger encodes a two-view finger record of 2 × 20 kB WSQ data.
func BenchmarkEncodeFinger(b *testing.B) {
	r := sampleFinger()
	for i := range r.Views {
		r.Views[i].Data = bytes.Repeat([]byte{0x5A}, 20_000)
	}
	b.ReportAllocs()
	b.SetBytes(40_000)
	for b.Loop() {
		if _, err := r.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeFinger decodes a two-view finger record of 2 × 20 kB WSQ data.
func BenchmarkDecodeFinger(b *testing.B) {
	r := sampleFinger()
	for i := range r.Views {
		r.Views[i].Data = bytes.Repeat([]byte{0x5A}, 20_000)
	}
	raw, err := r.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeFinger(raw); err != nil {
			b.Fatal(err)
		}
	}
}
