package packet

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"filippo.io/age"
)

func testPacket(t testing.TB) (*Packet, ed25519.PublicKey) {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(nil)
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	m := Manifest{StationID: "st-1", OperatorID: "op-7", Created: now, Counter: 3,
		CaptureTimes: []time.Time{now.Add(-time.Minute), now.Add(-30 * time.Second)}}
	m.PrevHash[0] = 9
	p, err := Build(m, []Part{{"application/x-ansi-nist", []byte("transaction bytes")}, {"image/jpeg", []byte{0xff, 0xd8, 0xff, 1}}}, priv)
	if err != nil {
		t.Fatal(err)
	}
	return p, pub
}

func TestRoundTripAndVerify(t *testing.T) {
	p, pub := testPacket(t)
	if err := p.Verify(pub); err != nil {
		t.Fatal(err)
	}
	enc := p.Encode()
	q, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(q.Encode(), enc) || q.Hash() != p.Hash() {
		t.Fatal("round trip changed the packet")
	}
	if err := q.Verify(pub); err != nil {
		t.Fatal(err)
	}
	if !ValidID(q.Manifest.ID) {
		t.Fatalf("bad id %q", q.Manifest.ID)
	}
}

func TestTamperDetected(t *testing.T) {
	p, pub := testPacket(t)
	_, other, _ := ed25519.GenerateKey(nil)
	tests := []struct {
		name   string
		mutate func(p *Packet)
		want   error
	}{
		{"part data", func(p *Packet) { p.Parts[0].Data[0] ^= 1 }, ErrHash},
		{"part added", func(p *Packet) { p.Parts = append(p.Parts, Part{"x", nil}) }, ErrHash},
		{"counter", func(p *Packet) { p.Manifest.Counter++ }, ErrSignature},
		{"station", func(p *Packet) { p.Manifest.StationID = "st-2" }, ErrSignature},
		{"signature", func(p *Packet) { p.Signature[5] ^= 1 }, ErrSignature},
		{"wrong key", func(p *Packet) { p.Signature = ed25519.Sign(other, p.Manifest.Encode()) }, ErrSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, _ := Decode(p.Encode())
			tc.mutate(q)
			if err := q.Verify(pub); !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	p, _ := testPacket(t)
	enc := p.Encode()
	for name, b := range map[string][]byte{
		"empty":     nil,
		"truncated": enc[:len(enc)-3],
		"trailing":  append(append([]byte(nil), enc...), 0),
		"magic":     append([]byte("XNRP\x00\x01"), enc[6:]...),
	} {
		if _, err := Decode(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestSealOpen(t *testing.T) {
	p, pub := testPacket(t)
	id, _ := age.GenerateX25519Identity()
	var buf bytes.Buffer
	if err := Seal(&buf, p, id.Recipient()); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("transaction bytes")) || bytes.Contains(buf.Bytes(), []byte{0xff, 0xd8, 0xff}) {
		t.Fatal("sealed packet contains plain text")
	}
	q, err := Open(buf.Bytes(), id)
	if err != nil || q.Verify(pub) != nil {
		t.Fatalf("open: %v", err)
	}
	wrong, _ := age.GenerateX25519Identity()
	if _, err := Open(buf.Bytes(), wrong); !errors.Is(err, ErrSealed) {
		t.Fatalf("wrong identity: %v", err)
	}
	b := buf.Bytes()
	b[len(b)-20] ^= 1
	if _, err := Open(b, id); !errors.Is(err, ErrSealed) {
		t.Fatalf("tampered ciphertext: %v", err)
	}
}

func TestReceipt(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	r := &Receipt{PacketID: "p1", StationID: "st", Received: time.Unix(0, 1234).UTC(), Status: StatusCreated}
	r.ContentHash[0], r.Nonce[0] = 1, 2
	r.Sign(priv)
	got, err := DecodeReceipt(r.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Verify(pub, "p1", r.ContentHash, "st", r.Nonce); err != nil {
		t.Fatal(err)
	}
	var otherNonce [16]byte
	if err := got.Verify(pub, "p1", r.ContentHash, "st", otherNonce); !errors.Is(err, ErrMismatch) {
		t.Fatalf("replayed receipt: %v", err)
	}
	if err := got.Verify(pub, "p2", r.ContentHash, "st", r.Nonce); !errors.Is(err, ErrMismatch) {
		t.Fatalf("other packet: %v", err)
	}
	got.Status = StatusDuplicate
	if err := got.Verify(pub, "p1", r.ContentHash, "st", r.Nonce); !errors.Is(err, ErrSignature) {
		t.Fatalf("altered receipt: %v", err)
	}
}

func BenchmarkBuildSeal1MB(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(nil)
	id, _ := age.GenerateX25519Identity()
	data := bytes.Repeat([]byte{7}, 1<<20)
	b.SetBytes(1 << 20)
	for b.Loop() {
		p, _ := Build(Manifest{StationID: "s", Created: time.Now()}, []Part{{"x", data}}, priv)
		var buf bytes.Buffer
		if err := Seal(&buf, p, id.Recipient()); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSliceBatch(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	b := &SliceBatch{Since: "", Cursor: "2", Upserts: []SlicePerson{{"a", map[int][]byte{2: {1}, 1: {2}}}}, Deletes: []string{"z"}}
	b.Sign(priv)
	got, err := DecodeSliceBatch(b.Encode())
	if err != nil || got.Verify(pub) != nil || string(got.Upserts[0].Templates[1]) != "\x02" {
		t.Fatalf("round trip: %v", err)
	}
	got.Deletes = nil
	if err := got.Verify(pub); !errors.Is(err, ErrSignature) {
		t.Fatalf("altered batch verified: %v", err)
	}
}
