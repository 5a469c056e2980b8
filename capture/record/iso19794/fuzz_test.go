package iso19794

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecodeFinger: no panics, typed errors, and decode∘encode is the identity.
func FuzzDecodeFinger(f *testing.F) {
	good, _ := sampleFinger().Encode()
	f.Add(good)
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := DecodeFinger(in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		out, err := r.Encode()
		if err != nil {
			t.Fatalf("decoded but cannot encode: %v", err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("re-encoding differs")
		}
	})
}

// FuzzDecodeFace: no panics, typed errors, lenient lengths re-encode exactly and the
// exact re-encoding decodes strictly to the same faces.
func FuzzDecodeFace(f *testing.F) {
	good, _ := sampleFace().Encode()
	f.Add(good)
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := DecodeFace(in, nil)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		out, err := r.Encode()
		if err != nil {
			t.Fatalf("decoded but cannot encode: %v", err)
		}
		r2, err := DecodeFace(out, &FaceOptions{Strict: true})
		if err != nil {
			t.Fatalf("exact re-encoding does not decode strictly: %v", err)
		}
		out2, _ := r2.Encode()
		if !bytes.Equal(out, out2) {
			t.Fatal("second encoding differs")
		}
		if r.LengthSlack == 0 && r.Faces[len(r.Faces)-1].BlockLengthSlack == 0 && !bytes.Equal(out, in) {
			t.Fatal("exact input does not re-encode to itself")
		}
	})
}
