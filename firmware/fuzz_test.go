package firmware

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// chainedJournal returns the bytes of a valid journal with n entries.
func chainedJournal(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	prev := ""
	for i := range n {
		e := Entry{Time: time.Date(2026, 1, 2, 3, 4, i, 0, time.UTC), Update: "u1", Device: "1234:5678 SN1",
			Step: StepChecked, From: 0x0100, To: 0x0101, Prev: prev}
		e.Hash = entryHash(e)
		prev = e.Hash
		line, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(append(line, '\n'))
	}
	return buf.Bytes()
}

// FuzzParseJournal feeds arbitrary bytes to the journal reader (the journal is a file
// the daemon reads back after a crash). Nothing may panic; damage must be reported as
// ErrJournalTampered (or an over-long line); whatever is accepted must form an intact
// hash chain.
func FuzzParseJournal(f *testing.F) {
	good := chainedJournal(f, 3)
	f.Add(good)
	f.Add(good[:len(good)-7]) // torn final line
	f.Add([]byte{})
	f.Add([]byte("{}\n"))
	f.Add(bytes.Replace(good, []byte(`"u1"`), []byte(`"u2"`), 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseJournal(data)
		if err != nil {
			if !errors.Is(err, ErrJournalTampered) && !errors.Is(err, bufio.ErrTooLong) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		prev := ""
		for i, e := range entries {
			if e.Prev != prev || e.Hash != entryHash(e) {
				t.Fatalf("accepted entry %d breaks the chain", i+1)
			}
			prev = e.Hash
		}
	})
}

// FuzzParseKey feeds arbitrary bytes to both key readers (keys come from files and
// configuration). Nothing may panic, and an accepted key must survive a
// marshal/parse round trip unchanged.
func FuzzParseKey(f *testing.F) {
	pub, priv, err := ed25519.GenerateKey(bytes.NewReader(make([]byte, 64)))
	if err != nil {
		f.Fatal(err)
	}
	pubPEM, _ := MarshalPublicKey(pub)
	privPEM, _ := MarshalPrivateKey(priv)
	f.Add(pubPEM)
	f.Add(privPEM)
	f.Add([]byte("O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=\n"))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if k, err := ParsePublicKey(b); err == nil {
			if len(k) != ed25519.PublicKeySize {
				t.Fatalf("public key of %d bytes accepted", len(k))
			}
			enc, err := MarshalPublicKey(k)
			if err != nil {
				t.Fatalf("accepted public key does not marshal: %v", err)
			}
			if k2, err := ParsePublicKey(enc); err != nil || !k2.Equal(k) {
				t.Fatalf("public key round trip: %v", err)
			}
		}
		if k, err := ParsePrivateKey(b); err == nil {
			enc, err := MarshalPrivateKey(k)
			if err != nil {
				t.Fatalf("accepted private key does not marshal: %v", err)
			}
			if k2, err := ParsePrivateKey(enc); err != nil || !k2.Equal(k) {
				t.Fatalf("private key round trip: %v", err)
			}
		}
	})
}
