package gallery

import "testing"

// TestAdviseHugeKeepsData checks that the advice is harmless on buffers of every size and
// alignment: contents written before and after it are intact.
func TestAdviseHugeKeepsData(t *testing.T) {
	for _, n := range []int{0, 1, hugePage - 1, 2 * hugePage, 5*hugePage + 123} {
		b := make([]byte, n+7)[7:]
		for i := range b[:min(n, 4096)] {
			b[i] = byte(i)
		}
		adviseHuge(b)
		for i := range b[:min(n, 4096)] {
			if b[i] != byte(i) {
				t.Fatalf("size %d: byte %d changed", n, i)
			}
		}
		if n > 0 {
			b[n-1] = 9
		}
	}
}
