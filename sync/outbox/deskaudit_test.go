package outbox

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/enrolld/enrolld/capture/audit"
)

func deskEntry(action string) audit.Entry {
	return audit.Entry{Time: time.Now(), Actor: "olga", Role: "officer", Action: action, Case: "202611200001"}
}

func appendN(t *testing.T, s *Store, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := s.AppendAudit(deskEntry(fmt.Sprintf("action-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
}

func testEnrollment(s *Store, t *testing.T, audit ...audit.Entry) Enrollment {
	t.Helper()
	c, _, err := s.Chain()
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("%032x-%064x", time.Now().UnixNano(), c+1)
	return Enrollment{ID: id, Counter: c + 1, Manifest: []byte("m"), Sealed: bytes.Repeat([]byte{1}, 3000), Audit: audit}
}

func TestAuditChainInStore(t *testing.T) {
	dir, key := t.TempDir(), testKey()
	s := openTest(t, dir, key)
	if h, n, err := s.VerifyAudit(); err != nil || n != 0 || h != (audit.Head{}) {
		t.Fatalf("empty chain: %v %d %v", h, n, err)
	}
	appendN(t, s, 3)
	head, err := s.AuditHead()
	if err != nil || head.Seq != 3 {
		t.Fatalf("head %v %v", head, err)
	}
	e := testEnrollment(s, t, deskEntry("committed"))
	e.AuditHead = &head
	if err := s.Commit(e); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, auditPage+5) // more than one page
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir, key)
	defer s.Close()
	h, n, err := s.VerifyAudit()
	if err != nil || n != 4+auditPage+5 || h.Seq != uint64(n) {
		t.Fatalf("after reopening: head %v, %d entries, %v", h, n, err)
	}
	var committed []audit.Entry
	if err := s.WalkAudit(func(audit.Head) error { return nil }, func(a *audit.Entry) error {
		if a.Action == "committed" {
			committed = append(committed, *a)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(committed) != 1 || committed[0].Packet != e.ID || committed[0].Seq != 4 || committed[0].Prev != head.Hash {
		t.Fatalf("committed entries %+v, want one for %s right after %v", committed, e.ID, head)
	}
	var out strings.Builder
	if err := s.ExportAudit(&out); err != nil {
		t.Fatal(err)
	}
	if xh, xn, err := audit.ReadExport(strings.NewReader(out.String()), nil); err != nil || xn != n || xh != h {
		t.Fatalf("export: %v %d %v", xh, xn, err)
	}
}

func TestAuditConcurrentAppendsDoNotFork(t *testing.T) {
	s := openTest(t, t.TempDir(), testKey())
	defer s.Close()
	var wg stdsync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := s.AppendAudit(deskEntry(fmt.Sprintf("g%d-%d", g, i))); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // commits race with the appends too
		defer wg.Done()
		for i := 0; i < 5; i++ {
			head, err := s.AuditHead()
			if err != nil {
				errs <- err
				return
			}
			e := testEnrollment(s, t, deskEntry("committed"))
			e.AuditHead = &head
			if err := s.Commit(e); err != nil && !errors.Is(err, ErrAuditMoved) {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	h, n, err := s.VerifyAudit()
	if err != nil || n < 80 || h.Seq != uint64(n) {
		t.Fatalf("after concurrent appends: %v, %d entries, %v", h, n, err)
	}
}

// TestCommitAndAuditAreOneTransaction injects faults into the commit's transaction: whatever
// fails, neither the packet nor its "committed" entry exists; a commit that succeeds has both.
func TestCommitAndAuditAreOneTransaction(t *testing.T) {
	s := openTest(t, t.TempDir(), testKey())
	defer s.Close()
	appendN(t, s, 2)
	head, _ := s.AuditHead()

	stale := audit.Head{Seq: 1, Hash: "00"}
	tooBig := deskEntry("committed")
	tooBig.Justification = strings.Repeat("x", 70<<10) // above the value threshold: the put fails mid-transaction
	for name, e := range map[string]Enrollment{
		"stale head":      func() Enrollment { e := testEnrollment(s, t, deskEntry("committed")); e.AuditHead = &stale; return e }(),
		"entry too large": testEnrollment(s, t, deskEntry("committed"), tooBig),
	} {
		err := s.Commit(e)
		if err == nil {
			t.Fatalf("%s: commit succeeded", name)
		}
		if _, gerr := s.Get(e.ID); !errors.Is(gerr, ErrNotFound) {
			t.Errorf("%s: the failed commit (%v) left a queue entry: %v", name, err, gerr)
		}
		if _, merr := s.Manifest(e.ID); !errors.Is(merr, ErrNotFound) {
			t.Errorf("%s: the failed commit left a manifest", name)
		}
		if h, n, verr := s.VerifyAudit(); verr != nil || h != head || n != 2 {
			t.Errorf("%s: the failed commit changed the audit chain: %v %d %v", name, h, n, verr)
		}
	}
	if blobs, _ := s.blobIDs(); len(blobs) > 1 { // the stale-head blob is removed at once; the other waits for recovery
		t.Errorf("sealed files left: %v", blobs)
	}
	e := testEnrollment(s, t, deskEntry("committed"))
	e.AuditHead = &head
	if err := s.Commit(e); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(e.ID); err != nil {
		t.Fatal(err)
	}
	if h, n, err := s.VerifyAudit(); err != nil || n != 3 || h.Seq != 3 {
		t.Fatalf("after the commit: %v %d %v", h, n, err)
	}
}

// TestAuditTamperingInStore tampers with the chain inside the real store, record by record.
func TestAuditTamperingInStore(t *testing.T) {
	rewrite := func(s *Store, seq uint64, fn func(e *audit.Entry)) func(txn *badger.Txn) error {
		return func(txn *badger.Txn) error {
			var e audit.Entry
			if _, err := s.get(txn, chainKey(seq), &e); err != nil {
				return err
			}
			fn(&e)
			return s.put(txn, chainKey(seq), e)
		}
	}
	for _, tc := range []struct {
		name   string
		tamper func(s *Store) func(txn *badger.Txn) error
		want   string
	}{
		{"untouched", func(s *Store) func(*badger.Txn) error { return func(*badger.Txn) error { return nil } }, ""},
		{"changed", func(s *Store) func(*badger.Txn) error {
			return rewrite(s, 3, func(e *audit.Entry) { e.Actor = "otto" })
		}, "was changed"},
		{"changed and rehashed", func(s *Store) func(*badger.Txn) error {
			return rewrite(s, 3, func(e *audit.Entry) { e.Detail = "quality 99"; e.Seal(audit.Head{Seq: e.Seq - 1, Hash: e.Prev}) })
		}, "does not link"},
		{"removed", func(s *Store) func(*badger.Txn) error {
			return func(txn *badger.Txn) error { return txn.Delete(chainKey(3)) }
		}, "removed"},
		{"reordered", func(s *Store) func(*badger.Txn) error {
			return func(txn *badger.Txn) error {
				var a, b audit.Entry
				s.get(txn, chainKey(2), &a)
				s.get(txn, chainKey(3), &b)
				if err := s.put(txn, chainKey(2), b); err != nil {
					return err
				}
				return s.put(txn, chainKey(3), a)
			}
		}, "order changed"},
		{"cut off the end", func(s *Store) func(*badger.Txn) error {
			return func(txn *badger.Txn) error {
				if err := txn.Delete(chainKey(5)); err != nil {
					return err
				}
				return txn.Delete(chainKey(4))
			}
		}, "cut off"},
		{"bytes flipped without the key", func(s *Store) func(*badger.Txn) error {
			return func(txn *badger.Txn) error {
				item, err := txn.Get(chainKey(2))
				if err != nil {
					return err
				}
				v, _ := item.ValueCopy(nil)
				v[len(v)/2] ^= 1
				return txn.Set(chainKey(2), v)
			}
		}, "failed authentication"},
		{"record moved to another key", func(s *Store) func(*badger.Txn) error {
			return func(txn *badger.Txn) error {
				item, err := txn.Get(chainKey(2))
				if err != nil {
					return err
				}
				v, _ := item.ValueCopy(nil)
				return txn.Set(chainKey(3), v)
			}
		}, "failed authentication"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, key := t.TempDir(), testKey()
			s := openTest(t, dir, key)
			appendN(t, s, 5)
			if err := s.db.Update(tc.tamper(s)); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s = openTest(t, dir, key) // tampering survives a restart, and so does its detection
			defer s.Close()
			_, _, err := s.VerifyAudit()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !(errors.Is(err, audit.ErrTampered) || errors.Is(err, ErrTampered)) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("VerifyAudit = %v, want tampering mentioning %q", err, tc.want)
			}
		})
	}
}

func TestOpenReadOnly(t *testing.T) {
	dir, key := t.TempDir(), testKey()
	s := openTest(t, dir, key)
	appendN(t, s, 3)
	opt := Options{Dir: dir, Key: key, ValueLogFileSize: 1 << 20, MemTableSize: 1 << 20}
	if _, err := OpenReadOnly(opt); err == nil {
		t.Fatal("read-only open while the store is open read-write succeeded")
	}
	s.Close()
	r, err := OpenReadOnly(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if h, n, err := r.VerifyAudit(); err != nil || n != 3 || h.Seq != 3 {
		t.Fatalf("read-only verify: %v %d %v", h, n, err)
	}
	if _, err := r.AppendAudit(deskEntry("x")); err == nil {
		t.Fatal("append to a read-only store succeeded")
	}
	wrong := opt
	wrong.Key = testKey()
	if _, err := OpenReadOnly(wrong); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
}

// BenchmarkAppendAudit times one audited desk action: a sealed entry and head in one synced
// Badger transaction.
func BenchmarkAppendAudit(b *testing.B) {
	s, err := Open(Options{Dir: b.TempDir(), Key: testKey(), ReserveFree: 1 << 20, BallastSize: -1, ValueLogFileSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	e := deskEntry("finger-accepted")
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.AppendAudit(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyAudit times verifying a chain of 10 000 entries in the store.
func BenchmarkVerifyAudit(b *testing.B) {
	s, err := Open(Options{Dir: b.TempDir(), Key: testKey(), ReserveFree: 1 << 20, BallastSize: -1, ValueLogFileSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([]audit.Entry, 100)
	for i := range batch {
		batch[i] = deskEntry("finger-accepted")
	}
	for range 100 {
		if _, err := s.AppendAudit(batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, n, err := s.VerifyAudit(); err != nil || n != 10000 {
			b.Fatal(n, err)
		}
	}
}
