package ansinist

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// FuzzRead checks that arbitrary input never panics, that every failure is a located
// *Error, and that whatever parses re-encodes to something that parses to the same dump.
func FuzzRead(f *testing.F) {
	f.Add([]byte(type1("1\x1f0")))
	f.Add([]byte(type1("1\x1f1\x1e2\x1f00") + tagged(2, "002:00", "018:DOE,JOHN")))
	f.Fuzz(func(t *testing.T, in []byte) {
		tx, err := Read(bytes.NewReader(in), nil)
		txSlice, errSlice := Unmarshal(in)
		if fmt.Sprint(err) != fmt.Sprint(errSlice) {
			t.Fatalf("stream and in-place parses disagree:\n%v\n%v", err, errSlice)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		// The typed views and the validator must not panic on anything that parses.
		_ = tx.Validate()
		for _, r := range tx.Records {
			_, _ = HeaderOf(r)
			_, _ = LegacyFingerprintOf(r)
			_, _ = SignatureOf(r)
			_, _ = Minutiae378Of(r)
			_, _ = FaceImageOf(r)
			_, _ = FrictionRidgeImageOf(r)
		}
		out, err := tx.Marshal()
		if err != nil {
			t.Fatalf("parsed but cannot re-encode: %v", err)
		}
		tx2, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("re-encoded transaction does not parse: %v", err)
		}
		var d1, d2, d3 bytes.Buffer
		opts := &DumpOptions{Data: SummarizeData, NBIS: true}
		if Dump(&d1, tx, opts) != nil || Dump(&d2, tx2, opts) != nil || Dump(&d3, txSlice, opts) != nil {
			t.Fatal("dump failed")
		}
		if !bytes.Equal(d1.Bytes(), d3.Bytes()) {
			t.Fatal("stream and in-place parses differ")
		}
		if !bytes.Equal(d1.Bytes(), d2.Bytes()) {
			t.Fatalf("dump changed by re-encoding:\n%s\n%s", d1.Bytes(), d2.Bytes())
		}
		out2, err := tx2.Marshal()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("second re-encoding differs: %v", err)
		}
	})
}
