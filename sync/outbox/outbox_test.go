package outbox

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func testKey() [32]byte {
	var k [32]byte
	rand.Read(k[:])
	return k
}

func openTest(t *testing.T, dir string, key [32]byte) *Store {
	t.Helper()
	s, err := Open(Options{Dir: dir, Key: key, ReserveFree: 1 << 20, BallastSize: 1 << 20, ValueLogFileSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func commitN(t *testing.T, s *Store, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		c, _, err := s.Chain()
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("%032x-%064x", time.Now().UnixNano()+int64(i), i)
		e := Enrollment{ID: id, Counter: c + 1, Manifest: []byte("m"), Sealed: bytes.Repeat([]byte{byte(i)}, 3000)}
		if err := s.Commit(e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestLifecycleAndReopen(t *testing.T) {
	dir, key := t.TempDir(), testKey()
	s := openTest(t, dir, key)
	ids := commitN(t, s, 5)
	due, err := s.Due(time.Now(), 10, func(string) bool { return false })
	if err != nil || len(due) != 5 || due[0].ID != ids[0] {
		t.Fatalf("due = %d, %v", len(due), err)
	}
	if _, err := s.MarkSending(ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAcknowledged(ids[0], []byte("receipt")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkSending(ids[1]); err != nil { // crash while sending ids[1]
		t.Fatal(err)
	}
	if e, _ := s.Get(ids[1]); e.State != Sending {
		t.Fatalf("in flight but shown as %s", e.State)
	}
	if st, _ := s.Stats(); st.Counts[Sending] != 1 {
		t.Fatalf("sending count %d", st.Counts[Sending])
	}
	if err := s.MarkConflict(ids[2], errors.New("409")); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAcknowledged(ids[3], nil); !errors.Is(err, ErrState) {
		t.Fatalf("ack without receipt: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openTest(t, dir, key)
	defer s.Close()
	if e, _ := s.Get(ids[1]); e.State != Queued {
		t.Fatalf("after reopen sending entry is %s/%d", e.State, e.Attempts)
	}
	st, _ := s.Stats()
	if st.Counts[Acknowledged] != 1 || st.Counts[Queued] != 3 || st.Counts[Conflict] != 1 || st.Unsent != 4 {
		t.Fatalf("stats %+v", st)
	}
	if c, _, _ := s.Chain(); c != 5 {
		t.Fatalf("counter %d", c)
	}
	if n, err := s.Purge(time.Now().Add(time.Hour), time.Minute); n != 1 || err != nil {
		t.Fatalf("purge %d %v", n, err)
	}
	e, _ := s.Get(ids[0])
	if e.State != Purged || string(e.Receipt) != "receipt" {
		t.Fatalf("purged entry %+v", e)
	}
	if _, err := s.Sealed(e); !errors.Is(err, ErrNotFound) {
		t.Fatalf("sealed file after purge: %v", err)
	}
	if err := s.MarkAcknowledged(ids[1], []byte("r2")); err != nil {
		t.Fatal(err)
	}
	for want, round := range []int{1, 0} {
		if n, err := s.Purge(time.Now().Add(time.Hour), time.Minute); n != round || err != nil {
			t.Fatalf("purge round %d: %d %v", want, n, err)
		}
	}
	a, _ := s.Audit(time.Time{}, 100)
	if len(a) != 5+1+1+1+2 {
		t.Fatalf("audit has %d entries", len(a))
	}
}

func TestSealedFileTamper(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, testKey())
	defer s.Close()
	ids := commitN(t, s, 1)
	e, _ := s.Get(ids[0])
	p := filepath.Join(dir, "blobs", ids[0]+".age")
	b, _ := os.ReadFile(p)
	b[10] ^= 1
	os.WriteFile(p, b, 0o600)
	if _, err := s.Sealed(e); !errors.Is(err, ErrTampered) {
		t.Fatalf("err = %v", err)
	}
}

func TestWrongKeyAndKeyFile(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, filepath.Join(dir, "data"), testKey())
	s.Close()
	_, err := Open(Options{Dir: filepath.Join(dir, "data"), Key: testKey(), BallastSize: -1, ReserveFree: 1})
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
	kf := filepath.Join(dir, "key")
	if _, err := LoadKeyFile(kf); !errors.Is(err, ErrKeyMissing) {
		t.Fatalf("missing: %v", err)
	}
	if err := CreateKeyFile(kf); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyFile(kf); err != nil {
		t.Fatal(err)
	}
	if err := CreateKeyFile(kf); err == nil {
		t.Fatal("overwrote a key file")
	}
	os.Chmod(kf, 0o644)
	if _, err := LoadKeyFile(kf); !errors.Is(err, ErrKeyPerm) {
		t.Fatalf("perm: %v", err)
	}
	os.WriteFile(kf, []byte("short"), 0o600)
	os.Chmod(kf, 0o600)
	if _, err := LoadKeyFile(kf); !errors.Is(err, ErrKeyFormat) {
		t.Fatalf("format: %v", err)
	}
}

func TestValueThresholdEnforced(t *testing.T) {
	s := openTest(t, t.TempDir(), testKey())
	defer s.Close()
	err := s.ApplySlice("c1", []Person{{SubjectID: "big", Templates: map[int][]byte{1: make([]byte, 100<<10)}}}, nil)
	if !errors.Is(err, ErrValueTooBig) {
		t.Fatalf("err = %v", err)
	}
	if c, _ := s.SliceCursor(); c != "" {
		t.Fatalf("cursor moved to %q after a failed batch", c)
	}
}

func TestRecordAuthentication(t *testing.T) {
	s := openTest(t, t.TempDir(), testKey())
	defer s.Close()
	val, _ := s.seal([]byte("q/a"), Entry{ID: "a"})
	var e Entry
	if err := s.open([]byte("q/b"), val, &e); !errors.Is(err, ErrTampered) {
		t.Fatalf("moved record: %v", err)
	}
	val[len(val)-1] ^= 1
	if err := s.open([]byte("q/a"), val, &e); !errors.Is(err, ErrTampered) {
		t.Fatalf("flipped bit: %v", err)
	}
}

// TestEmptyLogFilesAfterCrash: a crash between Badger creating a memtable or value-log file and
// sizing it leaves an empty file that Badger 4.9.6 cannot open; Open removes it.
func TestEmptyLogFilesAfterCrash(t *testing.T) {
	dir, key := t.TempDir(), testKey()
	s := openTest(t, dir, key)
	ids := commitN(t, s, 3)
	s.Close()
	for _, name := range []string{"00042.mem", "000099.vlog"} {
		if err := os.WriteFile(filepath.Join(dir, "badger", name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s = openTest(t, dir, key)
	defer s.Close()
	for _, id := range ids {
		if _, err := s.Get(id); err != nil {
			t.Fatal(err)
		}
	}
}
