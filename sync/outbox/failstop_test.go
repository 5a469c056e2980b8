package outbox

import (
	"errors"
	"testing"
	"time"
)

// TestFailStop: a storage operation that misses its deadline (as Badger does when it retries a
// failing flush forever) fails the store: Failed() closes and every later call says so.
func TestFailStop(t *testing.T) {
	s, err := Open(Options{Dir: t.TempDir(), Key: testKey(), ReserveFree: 1, BallastSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	s.deadline.Store(int64(100 * time.Millisecond))
	hang := make(chan struct{})
	defer close(hang)
	if err := s.guard("stuck flush", func() error { <-hang; return nil }); !errors.Is(err, ErrFailed) {
		t.Fatalf("stuck op: %v", err)
	}
	select {
	case <-s.Failed():
	default:
		t.Fatal("Failed() not closed")
	}
	if _, _, err := s.Chain(); !errors.Is(err, ErrFailed) {
		t.Fatalf("after failure: %v", err)
	}
	if err := s.Commit(Enrollment{ID: "x", Sealed: []byte("y")}); !errors.Is(err, ErrFailed) {
		t.Fatalf("commit after failure: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrFailed) {
			t.Fatalf("close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung after a storage failure")
	}
}
