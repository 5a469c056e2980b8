package packet

import (
	"crypto/ed25519"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the packet decoder: it must never panic, and whatever it
// accepts must re-encode to the same bytes (canonical form).
func FuzzDecode(f *testing.F) {
	p, _ := testPacket(f)
	f.Add(p.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := Decode(b)
		if err != nil {
			return
		}
		if string(q.Encode()) != string(b) {
			t.Fatal("accepted a non-canonical encoding")
		}
		_ = q.Verify(make(ed25519.PublicKey, ed25519.PublicKeySize))
	})
}

// FuzzDecodeReceipt feeds arbitrary bytes to the receipt decoder.
func FuzzDecodeReceipt(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(nil)
	r := &Receipt{PacketID: "p", StationID: "s", Status: StatusDuplicate}
	r.Sign(priv)
	f.Add(r.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeReceipt(b)
		if err != nil {
			return
		}
		if string(got.Encode()) != string(b) {
			t.Fatal("accepted a non-canonical receipt")
		}
	})
}

// FuzzDecodeSliceBatch feeds arbitrary bytes to the register-slice batch decoder.
func FuzzDecodeSliceBatch(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(nil)
	b := &SliceBatch{Since: "1", Cursor: "3", More: true,
		Upserts: []SlicePerson{{"s1", map[int][]byte{1: []byte("FMR\x00"), 7: {1, 2}}}}, Deletes: []string{"s0"}}
	b.Sign(priv)
	f.Add(b.Encode())
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := DecodeSliceBatch(in)
		if err != nil {
			return
		}
		if string(got.Encode()) != string(in) {
			t.Fatal("accepted a non-canonical batch")
		}
	})
}
