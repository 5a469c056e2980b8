package firmware

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

// signedBundle256KiB returns an encoded bundle with a 256 KiB payload and its keys.
func signedBundle256KiB(b *testing.B) ([]byte, TrustedKeys) {
	payload := bytes.Repeat([]byte{0x5a, 0xa5, 0x3c}, (256<<10)/3+1)[:256<<10]
	m := testManifest()
	bun, err := Sign(m, payload, testKey())
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := bun.Encode(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), NewTrustedKeys(testKey().Public().(ed25519.PublicKey))
}

// BenchmarkParseBundle measures parsing (structure only) of a 256 KiB bundle.
// Run: go test ./firmware -run XXX -bench ParseBundle
func BenchmarkParseBundle(b *testing.B) {
	raw, _ := signedBundle256KiB(b)
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseBundle(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyBundle measures the signature check plus payload size and SHA-256
// check of a parsed 256 KiB bundle. Run: go test ./firmware -run XXX -bench VerifyBundle
func BenchmarkVerifyBundle(b *testing.B) {
	raw, keys := signedBundle256KiB(b)
	bun, err := ParseBundle(raw)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(bun.Payload)))
	b.ResetTimer()
	for b.Loop() {
		if err := Verify(bun, keys); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDFUFile measures the DFU suffix check (CRC-32 over the whole file) of
// a 256 KiB image. Run: go test ./firmware -run XXX -bench ParseDFUFile
func BenchmarkParseDFUFile(b *testing.B) {
	f := &DFUFile{Payload: bytes.Repeat([]byte{0xa5}, 256<<10), BcdDevice: 0x0200,
		ID: usb.ID{Vendor: 0x05ba, Product: 0x000a}, BcdDFU: 0x0100}
	raw := f.Encode()
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseDFUFile(raw); err != nil {
			b.Fatal(err)
		}
	}
}
