package usbtest

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzReadTranscript checks that the transcript reader never panics, that every
// error wraps ErrFormat, and that whatever it accepts writes back to text that reads
// to the same transcript.
func FuzzReadTranscript(f *testing.F) {
	f.Add([]byte(textHeader + "\nwrite ep=02 out=00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := ReadTranscript(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error does not wrap ErrFormat: %v", err)
			}
			return
		}
		var first bytes.Buffer
		if _, err := tr.WriteTo(&first); err != nil {
			t.Fatal(err)
		}
		back, err := ReadTranscript(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("re-reading written transcript: %v\n%s", err, first.String())
		}
		var second bytes.Buffer
		back.WriteTo(&second)
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("round trip changed the text:\n%s\n---\n%s", first.String(), second.String())
		}
	})
}
