package firmware

import (
	"bytes"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

func TestDFUCRCMatchesDefinition(t *testing.T) {
	// The DFU 1.1 CRC is CRC-32 (IEEE, reflected) over all but the last four bytes,
	// without the final XOR: the complement of Go's ChecksumIEEE.
	file := append([]byte("firmware"), make([]byte, 16)...)
	if got, want := DFUCRC(file), ^crc32.ChecksumIEEE(file[:len(file)-4]); got != want {
		t.Fatalf("DFUCRC %#x, want %#x", got, want)
	}
	// A known vector: "123456789" has CRC-32 0xCBF43926, so the raw register is its complement.
	if got := DFUCRC([]byte("123456789\x00\x00\x00\x00")); got != ^uint32(0xCBF43926) {
		t.Fatalf("DFUCRC(123456789) %#x, want %#x", got, ^uint32(0xCBF43926))
	}
}

func TestDFUFileRoundTripAndErrors(t *testing.T) {
	f := &DFUFile{Payload: []byte{1, 2, 3, 4, 5}, BcdDevice: 0x0123, ID: usb.ID{Vendor: 0x05ba, Product: 0xFFFF}, BcdDFU: 0x0100}
	raw := f.Encode()
	if len(raw) != 5+DFUSuffixLen || !bytes.Equal(raw[len(raw)-8:len(raw)-5], []byte("UFD")) {
		t.Fatalf("suffix % x", raw[5:])
	}
	got, err := ParseDFUFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Payload, f.Payload) || got.ID != f.ID || got.BcdDevice != f.BcdDevice {
		t.Fatalf("round trip %+v", got)
	}
	if !got.Fits(usb.ID{Vendor: 0x05ba, Product: 0x000a}) || got.Fits(usb.ID{Vendor: 0x1234, Product: 1}) {
		t.Fatal("wildcard product id matching wrong")
	}
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"short", raw[:10], ErrBadSuffix},
		{"crc", append(append([]byte{}, raw[:len(raw)-1]...), raw[len(raw)-1]^1), ErrBadCRC},
		{"payload changed", append([]byte{9}, raw[1:]...), ErrBadCRC},
		{"signature", func() []byte { c := append([]byte{}, raw...); c[len(c)-8] = 'X'; return c }(), ErrBadSuffix},
	} {
		if _, err := ParseDFUFile(tc.raw); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
}

func FuzzParseDFUFile(f *testing.F) {
	f.Add((&DFUFile{Payload: []byte("abc"), BcdDevice: 1, ID: usb.ID{Vendor: 1, Product: 2}, BcdDFU: 0x100}).Encode())
	f.Add([]byte("UFD\x10"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDFUFile(b)
		if err != nil {
			return
		}
		if !bytes.Equal(d.Encode(), b) {
			t.Fatalf("re-encoding a valid file changed it")
		}
	})
}
