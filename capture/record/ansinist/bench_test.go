package ansinist

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// megabyteTransaction builds a ~1 MB transaction: Type-1, Type-2, ten Type-14 records of
// ~100 kB of random "WSQ" data each and one Type-4.
func megabyteTransaction(tb testing.TB) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	cnt := "1\x1f12\x1e2\x1f00"
	var recs strings.Builder
	recs.WriteString(tagged(2, "002:00", "018:DOE,JOHN", "020:WV", "022:19700208", "024:M"))
	for i := 1; i <= 10; i++ {
		img := make([]byte, 100_000)
		for k := range img {
			img[k] = byte(rng.Uint32())
		}
		cnt += "\x1e14\x1f" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		recs.WriteString(tagged(14, "002:0"+string(rune('0'+i%10)), "003:0", "004:ORIG", "005:20260101",
			"006:545", "007:622", "008:1", "009:500", "010:500", "011:WSQ20", "012:8", "013:1",
			"022:1\x1f3", "999:"+string(img)))
	}
	cnt += "\x1e4\x1f11"
	recs.WriteString(binRec(4, 11, legacyHdr, bytes.Repeat([]byte{0x80}, 40_000)))
	return []byte(type1(cnt) + recs.String())
}

func BenchmarkUnmarshal1MB(b *testing.B) {
	in := megabyteTransaction(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead1MB parses through the streaming Reader, which copies every record out
// of the stream (Unmarshal aliases its input instead).
func BenchmarkRead1MB(b *testing.B) {
	in := megabyteTransaction(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(in), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshal1MB(b *testing.B) {
	in := megabyteTransaction(b)
	tx, err := Unmarshal(in)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tx.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMegabyteTransactionRoundTrip(t *testing.T) {
	in := megabyteTransaction(t)
	if len(in) < 1_000_000 {
		t.Fatalf("only %d bytes", len(in))
	}
	tx, err := Unmarshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tx.Marshal()
	if err != nil || !bytes.Equal(out, in) {
		t.Fatalf("round trip failed: %v", err)
	}
}

// BenchmarkUnmarshalText1MB parses a worst case: ~1 MB of text, a Type-9 record with
// 40 000 minutiae (one subfield of six items each).
func BenchmarkUnmarshalText1MB(b *testing.B) {
	m := &Minutiae378{IDC: 1, FormatOwner: 27, FormatType: 513, Width: 800, Height: 750, Scale: ScalePPCM, HPS: 197, VPS: 197}
	for i := range 40_000 {
		m.Minutiae = append(m.Minutiae, Minutia{Index: i + 1, X: i % 800, Y: i % 750, Angle: i % 180, Quality: 60, Type: 1 + i%2})
	}
	r, err := m.Record()
	if err != nil {
		b.Fatal(err)
	}
	tx, _ := NewTransaction(Header{TOT: "T", Date: day, DAI: "D", ORI: "O", TCN: "N"})
	if err := tx.Add(r); err != nil {
		b.Fatal(err)
	}
	in, err := tx.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(in); err != nil {
			b.Fatal(err)
		}
	}
}
