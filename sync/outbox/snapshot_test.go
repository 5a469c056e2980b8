package outbox

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

var testSnapKey = snapshotKey([32]byte{1, 2, 3})

// sealBytes seals plain with the given chunk size, writing in pieces of varying size.
func sealBytes(t testing.TB, key []byte, cursor string, plain []byte, chunk int) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := newSnapshotWriter(&out, key, cursor, chunk)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for p := plain; len(p) > 0; {
		k := min(len(p), 1+r.IntN(3*chunk))
		if n, err := w.Write(p[:k]); err != nil || n != k {
			t.Fatalf("write: %d, %v", n, err)
		}
		p = p[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// openBytes opens a sealed snapshot and reads it to the end.
func openBytes(key, sealed []byte) (cursor string, plain []byte, err error) {
	r, err := openSnapshot(bytes.NewReader(sealed), key)
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	plain, err = io.ReadAll(r)
	return r.Cursor(), plain, err
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestSnapshotRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int
		chunk  int
		cursor string
	}{
		{"empty", 0, 64, ""},
		{"one byte", 1, 64, "c1"},
		{"just under a chunk", 63, 64, "42"},
		{"exactly a chunk", 64, 64, "42"},
		{"exactly five chunks", 5 * 64, 64, "42"},
		{"multi-chunk", 5*64 + 7, 64, "cursor/with/slashes"},
		{"default chunk, 3.5 chunks", 3*defaultSnapChunk + defaultSnapChunk/2, defaultSnapChunk, "987654321"},
		{"long cursor", 100, 64, string(bytes.Repeat([]byte("x"), maxSnapCursor))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := randomBytes(tc.size, uint64(tc.size))
			sealed := sealBytes(t, testSnapKey, tc.cursor, plain, tc.chunk)
			chunks := tc.size/tc.chunk + 1
			if want := snapFixedHeader + len(tc.cursor) + tc.size + chunks*snapTagSize; len(sealed) != want {
				t.Errorf("sealed %d bytes, want %d", len(sealed), want)
			}
			cursor, got, err := openBytes(testSnapKey, sealed)
			if err != nil {
				t.Fatal(err)
			}
			if cursor != tc.cursor || !bytes.Equal(got, plain) {
				t.Fatalf("round trip: cursor %q, %d bytes equal=%v", cursor, len(got), bytes.Equal(got, plain))
			}
		})
	}
}

func TestSnapshotRejectsDamage(t *testing.T) {
	const chunk = 64
	plain := randomBytes(4*chunk+10, 3) // chunks 0–3 full, chunk 4 final with 10 bytes
	good := sealBytes(t, testSnapKey, "17", plain, chunk)
	other := sealBytes(t, testSnapKey, "17", plain, chunk) // same contents, another salt
	hdr := snapFixedHeader + len("17")
	at := func(i int) int { return hdr + i*(chunk+snapTagSize) } // offset of chunk i
	flip := func(off int) func([]byte) []byte {
		return func(b []byte) []byte { b[off] ^= 0x20; return b }
	}
	for _, tc := range []struct {
		name     string
		damage   func([]byte) []byte
		wrongKey bool
	}{
		{"magic", flip(0), false},
		{"chunk size", flip(9), false},
		{"cursor length", flip(12), false},
		{"reserved", flip(14), false},
		{"salt", flip(20), true},
		{"key check", flip(50), true},
		{"cursor", flip(snapFixedHeader), false},
		{"first chunk body", flip(at(0) + 3), false},
		{"middle chunk tag", flip(at(2) + chunk + 5), false},
		{"final chunk", flip(at(4) + 2), false},
		{"last byte", flip(len(good) - 1), false},
		{"truncated header", func(b []byte) []byte { return b[:30] }, false},
		{"truncated cursor", func(b []byte) []byte { return b[:hdr-1] }, false},
		{"no chunks", func(b []byte) []byte { return b[:hdr] }, false},
		{"cut at a chunk boundary", func(b []byte) []byte { return b[:at(3)] }, false},
		{"cut inside a chunk", func(b []byte) []byte { return b[:at(2)+40] }, false},
		{"cut inside a tag", func(b []byte) []byte { return b[:at(4)+5] }, false},
		{"final chunk dropped", func(b []byte) []byte { return b[:at(4)] }, false},
		{"bytes appended", func(b []byte) []byte { return append(b, 0) }, false},
		{"chunks swapped", func(b []byte) []byte {
			c1 := bytes.Clone(b[at(1):at(2)])
			copy(b[at(1):], b[at(2):at(3)])
			copy(b[at(2):], c1)
			return b
		}, false},
		{"chunk repeated", func(b []byte) []byte { copy(b[at(2):], b[at(1):at(2)]); return b }, false},
		{"chunk from another file", func(b []byte) []byte { copy(b[at(1):at(2)], other[at(1):at(2)]); return b }, false},
		{"header from another file", func(b []byte) []byte { copy(b, other[:hdr]); return b }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := tc.damage(bytes.Clone(good))
			_, got, err := openBytes(testSnapKey, bad)
			if !errors.Is(err, ErrSnapshot) {
				t.Fatalf("err = %v, want ErrSnapshot", err)
			}
			if errors.Is(err, ErrWrongKey) != tc.wrongKey {
				t.Errorf("err = %v: wrong key reported %v, want %v", err, !tc.wrongKey, tc.wrongKey)
			}
			if bytes.Equal(got, plain) {
				t.Error("damaged file still gave the whole plain text")
			}
		})
	}
}

func TestSnapshotWrongKey(t *testing.T) {
	sealed := sealBytes(t, testSnapKey, "1", []byte("templates"), 64)
	for _, key := range [][]byte{snapshotKey([32]byte{9}), deriveKey([32]byte{1, 2, 3}, "record key v1")} {
		if _, _, err := openBytes(key, sealed); !errors.Is(err, ErrSnapshot) || !errors.Is(err, ErrWrongKey) {
			t.Errorf("err = %v, want ErrSnapshot and ErrWrongKey", err)
		}
	}
}

// TestSnapshotHidesPlainText: no 16-byte run of a repetitive plain text survives sealing.
func TestSnapshotHidesPlainText(t *testing.T) {
	plain := bytes.Repeat([]byte("minutia 0123456789abcdef template "), 5000)
	sealed := sealBytes(t, testSnapKey, "", plain, defaultSnapChunk)
	for i := 0; i+16 <= len(plain) && i < 64; i++ {
		if bytes.Contains(sealed, plain[i:i+16]) {
			t.Fatalf("sealed file contains plain text at offset %d", i)
		}
	}
}

// TestSnapshotReaderCloseEarly: a consumer that stops early releases the goroutine.
func TestSnapshotReaderCloseEarly(t *testing.T) {
	sealed := sealBytes(t, testSnapKey, "", randomBytes(40*64, 5), 64)
	r, err := openSnapshot(bytes.NewReader(sealed), testSnapKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	r.Close() // returns only once the goroutine has ended
	// chunks opened before Close may still be read, but never the end of the file
	if b, err := io.ReadAll(r); !errors.Is(err, ErrSnapshot) || len(b) >= 40*64-10 {
		t.Fatalf("after Close: %d bytes, %v; want fewer and ErrSnapshot", len(b), err)
	}
}

func TestSnapshotWriterLimits(t *testing.T) {
	var b bytes.Buffer
	if _, err := newSnapshotWriter(&b, testSnapKey, string(make([]byte, maxSnapCursor+1)), 64); err == nil {
		t.Error("over-long cursor accepted")
	}
	for _, c := range []int{minSnapChunk - 1, maxSnapChunk + 1} {
		if _, err := newSnapshotWriter(&b, testSnapKey, "", c); err == nil {
			t.Errorf("chunk size %d accepted", c)
		}
	}
}

// BenchmarkSnapshotOpen measures decryption alone: 64 MiB sealed in 1 MiB chunks, read
// to the end (MB/s of plain text).
func BenchmarkSnapshotOpen(b *testing.B) {
	plain := randomBytes(64<<20, 1)
	sealed := sealBytes(b, testSnapKey, "1", plain, defaultSnapChunk)
	b.SetBytes(int64(len(plain)))
	b.ResetTimer()
	for b.Loop() {
		r, err := openSnapshot(bytes.NewReader(sealed), testSnapKey)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || n != int64(len(plain)) {
			b.Fatal(n, err)
		}
		r.Close()
	}
}

// BenchmarkSnapshotSeal measures encryption alone (MB/s of plain text).
func BenchmarkSnapshotSeal(b *testing.B) {
	plain := randomBytes(64<<20, 1)
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		w, err := newSnapshotWriter(io.Discard, testSnapKey, "1", defaultSnapChunk)
		if err != nil {
			b.Fatal(err)
		}
		w.Write(plain)
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
