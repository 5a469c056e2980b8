package firmware_test

import (
	"context"
	"testing"

	"github.com/enrolld/enrolld/firmware/emu"
)

// BenchmarkUpdate256KiB measures a whole update of a 256 KiB image on the emulator at
// its default poll timeout (5 ms) and transfer size (2 KiB): detach, 128 blocks, manifest,
// read-back, reset, re-enumeration. Run: go test ./firmware -run XXX -bench Update256KiB -benchtime 5x
func BenchmarkUpdate256KiB(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b, emu.DefaultConfig())
		raw := f.bundle(b, "1.10", "1.00", 256<<10)
		dev := f.current(b)
		b.StartTimer()
		if err := f.upd.Apply(context.Background(), raw, dev, "bench", nil); err != nil {
			b.Fatal(err)
		}
	}
}
