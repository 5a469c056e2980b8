package sync

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	base, max := 100*time.Millisecond, 10*time.Second
	for _, tc := range []struct {
		attempt  int
		min, top time.Duration
	}{
		{-1, base / 2, base}, {0, base / 2, base}, {1, base, 2 * base}, {3, 4 * base, 8 * base},
		{10, max / 2, max}, {63, max / 2, max}, {1000, max / 2, max},
	} {
		for i := 0; i < 50; i++ {
			if d := backoff(base, max, tc.attempt); d < tc.min || d > tc.top {
				t.Fatalf("backoff(%d) = %v, want %v..%v", tc.attempt, d, tc.min, tc.top)
			}
		}
	}
}
