package isdv4

import "testing"

// BenchmarkScanner decodes a stream of pen packets arriving in 64-byte reads.
func BenchmarkScanner(b *testing.B) {
	var stream []byte
	for i := 0; i < 1000; i++ {
		p, _ := EncodePen(PenPacket{X: 100 + i, Y: 200 + i, Pressure: i % 1024, Proximity: true, Tip: true})
		stream = append(stream, p[:]...)
	}
	b.SetBytes(int64(len(stream)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var s Scanner
		for off := 0; off < len(stream); off += 64 {
			s.Feed(stream[off:min(off+64, len(stream))])
			for _, ok := s.Next(); ok; _, ok = s.Next() {
			}
		}
		if s.Stats.Packets != 1000 {
			b.Fatal(s.Stats)
		}
	}
}
