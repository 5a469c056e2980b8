package firmware

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

func testKey() ed25519.PrivateKey {
	_, k, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{3}, 64)))
	return k
}

func testManifest() Manifest {
	return Manifest{Name: "x", Protocol: ProtocolDFU11, Version: 0x0200, LowestAllowed: 0x0100,
		Devices: []DeviceMatch{{Runtime: usb.ID{Vendor: 1, Product: 2}, DFU: usb.ID{Vendor: 1, Product: 3}}}}
}

func TestBundleRoundTrip(t *testing.T) {
	b, err := Sign(testManifest(), []byte("payload"), testKey())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ParseBundle(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	keys := NewTrustedKeys(testKey().Public().(ed25519.PublicKey))
	if err := Check(got, keys, Target{ID: usb.ID{Vendor: 1, Product: 2}, Installed: 0x0100}); err != nil {
		t.Fatal(err)
	}
	if string(got.Canonical) != `{"name":"x","devices":[{"runtime":"0001:0002","dfu":"0001:0003"}],"protocol":"org.usb.dfu-1.1","version":"2.00","lowest_allowed":"1.00","payload_size":7,"payload_sha256":"239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5"}` {
		t.Fatalf("canonical form changed: %s", got.Canonical)
	}
}

func TestParseBundleErrors(t *testing.T) {
	b, _ := Sign(testManifest(), []byte("payload"), testKey())
	var buf bytes.Buffer
	_ = b.Encode(&buf)
	raw := buf.Bytes()
	for _, tc := range []struct {
		name string
		raw  []byte
	}{
		{"empty", nil},
		{"magic", append([]byte("XNRFWB1\n"), raw[8:]...)},
		{"truncated", raw[:len(raw)-1]},
		{"trailing", append(append([]byte{}, raw...), 0)},
		{"huge manifest length", append([]byte(bundleMagic), 0xff, 0xff, 0xff, 0xff)},
	} {
		if _, err := ParseBundle(tc.raw); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", tc.name, err)
		}
	}
}

func TestVersions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
		ok   bool
	}{{"1.00", 0x0100, true}, {"1.2", 0x0102, true}, {"12.34", 0x1234, true}, {"99.99", 0x9999, true},
		{"100.0", 0, false}, {"1", 0, false}, {"a.b", 0, false}, {"1.234", 0, false}, {"-1.0", 0, false}} {
		v, err := ParseVersion(tc.in)
		if (err == nil) != tc.ok || (tc.ok && v != tc.want) {
			t.Errorf("ParseVersion(%q) = %v, %v", tc.in, v, err)
		}
	}
	if _, err := FromBCD(0x01a0); err == nil {
		t.Error("non-BCD accepted")
	}
	if Version(0x0109) >= Version(0x0110) {
		t.Error("1.09 must order before 1.10")
	}
}

func FuzzParseBundle(f *testing.F) {
	b, _ := Sign(testManifest(), []byte("payload"), testKey())
	var buf bytes.Buffer
	_ = b.Encode(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(bundleMagic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := ParseBundle(raw)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := b.Encode(&out); err != nil || !bytes.Equal(out.Bytes(), raw) {
			t.Fatalf("re-encoding a parsed bundle changed it")
		}
	})
}
