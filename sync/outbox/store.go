// Package outbox is the station's encrypted store-and-forward queue, built on Badger v4.
//
// Every finished enrollment becomes a sealed packet (see package packet) that waits here until
// the centre has acknowledged it. The design follows what Badger 4.9.6 actually does under
// failure, measured rather than assumed:
//
//   - Badger's value log does not report a failed fsync to the writer, so no record we write ever
//     reaches the value log: every value is kept below ValueThreshold, and the (large) sealed
//     packets live in their own files, written temp → fsync → rename → fsync(dir), with their
//     SHA-256 recorded in Badger.
//   - A persistent I/O error makes Badger retry flushes forever and Close hang, so every storage
//     operation runs under a deadline; one that misses it fails the store (fail-stop): further
//     calls return ErrFailed and Failed() is closed so the daemon can exit and be restarted.
//   - A full disk kills Badger with SIGBUS (and again on reopen), so the store refuses new
//     enrollments below a free-space reserve and keeps a ballast file it can delete to recover.
//   - Badger's AES-CTR encryption has no integrity, so every record is additionally sealed with
//     XChaCha20-Poly1305 under a key derived from the same key file, with the record's key as
//     associated data (a record moved to another key fails to open).
//
// An enrollment (its signed manifest), its audit entry and its queue entry are written in one
// transaction. The store also keeps the desk's hash-chained audit log (package capture/audit,
// deskaudit.go): an enrollment's desk audit entries ("committed", with the packet id) are sealed
// into that chain in the same transaction, so after a crash either both exist or neither. Queue entries move queued → sending → acknowledged (the centre's verified receipt
// stored with it) → purged (sealed file deleted, record and receipt kept) after a retention.
// A persisted head cursor marks the oldest entry not yet acknowledged, so scans start there.
package outbox

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	stdsync "sync"
	"sync/atomic"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"golang.org/x/crypto/chacha20poly1305"
)

// Sentinel errors.
var (
	ErrFailed      = errors.New("outbox: storage failed (fail-stop); restart after fixing the disk")
	ErrNotFound    = errors.New("outbox: no such packet")
	ErrTampered    = errors.New("outbox: record failed authentication")
	ErrValueTooBig = errors.New("outbox: record above the value threshold")
	ErrState       = errors.New("outbox: packet not in a state that allows this")
	ErrClosed      = errors.New("outbox: closed")
)

// Store is an open outbox.
type Store struct {
	opt     Options
	db      *badger.DB
	aead    cipher.AEAD
	blobDir string
	log     *slog.Logger

	mu       stdsync.Mutex // guards counts and sending
	auditMu  stdsync.Mutex // serialises writers of the desk audit chain (see deskaudit.go)
	counts   map[State]int
	sending  map[string]bool // uploads in flight (a volatile state, see MarkSending)
	failErr  atomic.Pointer[error]
	failed   chan struct{}
	closed   atomic.Bool
	lastOp   atomic.Int64 // unix nanos of the last write, for idle GC
	bg       stdsync.WaitGroup
	stopBg   chan struct{}
	health   Health
	healthMu stdsync.Mutex
	deadline atomic.Int64 // the I/O deadline in ns (tests shorten it after Open)
}

func deriveKey(master [32]byte, label string) []byte {
	m := hmac.New(sha256.New, master[:])
	m.Write([]byte("enrolld outbox " + label))
	return m.Sum(nil)
}

// Open opens (creating if needed) the outbox in opt.Dir.
func Open(opt Options) (*Store, error) {
	if err := opt.setDefaults(); err != nil {
		return nil, err
	}
	s := &Store{opt: opt, blobDir: filepath.Join(opt.Dir, "blobs"), log: opt.Logger,
		failed: make(chan struct{}), stopBg: make(chan struct{}), counts: map[State]int{}, sending: map[string]bool{}}
	s.deadline.Store(int64(opt.IODeadline))
	for _, d := range []string{opt.Dir, s.blobDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
	}
	if err := s.prepareSpace(); err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(deriveKey(opt.Key, "record key v1"))
	if err != nil {
		return nil, err
	}
	s.aead = aead
	bopt := badgerOptions(opt)
	if err := removeEmptyLogs(filepath.Join(opt.Dir, "badger"), s.log); err != nil {
		return nil, err
	}
	var db *badger.DB
	err = s.guard("open", func() error { var e error; db, e = badger.Open(bopt); return e })
	if errors.Is(err, badger.ErrEncryptionKeyMismatch) {
		return nil, fmt.Errorf("%w: %s", ErrWrongKey, opt.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: open %s: %w", opt.Dir, err)
	}
	s.db = db
	if err := s.recover(); err != nil {
		db.Close()
		return nil, err
	}
	s.bg.Add(2)
	go s.watchdog()
	go s.gcLoop()
	return s, nil
}

// badgerOptions are the Badger options of the store in opt.Dir.
func badgerOptions(opt Options) badger.Options {
	return badger.DefaultOptions(filepath.Join(opt.Dir, "badger")).
		WithSyncWrites(true).
		WithEncryptionKey(deriveKey(opt.Key, "badger key v1")).
		WithBlockCacheSize(opt.BlockCacheSize).
		WithIndexCacheSize(opt.IndexCacheSize).
		WithCompression(options.None).
		WithMemTableSize(opt.MemTableSize).
		WithValueLogFileSize(opt.ValueLogFileSize).
		WithValueThreshold(opt.ValueThreshold).
		WithNumMemtables(2).
		WithNumLevelZeroTables(4).
		WithNumLevelZeroTablesStall(8).
		WithBaseTableSize(opt.MemTableSize / 2).
		WithNumVersionsToKeep(1).
		WithNumCompactors(2).
		WithMetricsEnabled(false).
		WithLogger(badgerLogger{opt.Logger})
}

// Close stops background work and closes Badger, within the I/O deadline.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(s.stopBg)
	s.bg.Wait()
	if s.err() != nil {
		return s.err() // Badger may hang on Close after an I/O error: don't wait for it
	}
	return s.guard("close", s.db.Close)
}

// Failed is closed when the store has failed and stopped; Err then says why.
func (s *Store) Failed() <-chan struct{} { return s.failed }

// Err returns the failure that stopped the store, or nil.
func (s *Store) Err() error { return s.err() }

func (s *Store) err() error {
	if p := s.failErr.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *Store) fail(err error) {
	wrapped := fmt.Errorf("%w: %v", ErrFailed, err)
	if s.failErr.CompareAndSwap(nil, &wrapped) {
		s.log.Error("outbox storage failed; refusing all further work", "err", err)
		close(s.failed)
	}
}

// guard runs fn with the I/O deadline. A deadline miss fails the store: the goroutine running
// fn is abandoned (Badger offers no way to cancel a stuck flush).
func (s *Store) guard(op string, fn func() error) error {
	if err := s.err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- fn() }()
	d := time.Duration(s.deadline.Load())
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		s.fail(fmt.Errorf("%s did not finish within %v", op, d))
		return s.err()
	}
}

// seal encrypts and authenticates one record value; the Badger key is the associated data.
func (s *Store) seal(key []byte, v any) ([]byte, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := s.aead.Seal(nonce, nonce, plain, key)
	if int64(len(out)+len(key)+64) >= s.opt.ValueThreshold {
		return nil, fmt.Errorf("%w: %q is %d bytes, threshold %d", ErrValueTooBig, key, len(out), s.opt.ValueThreshold)
	}
	return out, nil
}

func (s *Store) open(key, val []byte, v any) error {
	n := s.aead.NonceSize()
	if len(val) < n+s.aead.Overhead() {
		return fmt.Errorf("%w: %q too short", ErrTampered, key)
	}
	plain, err := s.aead.Open(nil, val[:n], val[n:], key)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrTampered, key)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("%w: %q: %v", ErrTampered, key, err)
	}
	return nil
}

func (s *Store) put(txn *badger.Txn, key []byte, v any) error {
	val, err := s.seal(key, v)
	if err != nil {
		return err
	}
	return txn.Set(key, val)
}

// get reads and opens one record; found is false when the key is absent.
func (s *Store) get(txn *badger.Txn, key []byte, v any) (found bool, err error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, item.Value(func(val []byte) error { return s.open(key, val, v) })
}

// update runs a read-write transaction under the deadline and marks the store busy. A
// transaction that lost a race with a concurrent one (Badger's conflict detection) is re-run.
func (s *Store) update(op string, fn func(txn *badger.Txn) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	s.lastOp.Store(time.Now().UnixNano())
	return s.guard(op, func() error {
		for attempt := 0; ; attempt++ {
			err := s.db.Update(fn)
			if !errors.Is(err, badger.ErrConflict) || attempt == 50 {
				return err
			}
		}
	})
}

func (s *Store) view(op string, fn func(txn *badger.Txn) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return s.guard(op, func() error { return s.db.View(fn) })
}

// removeEmptyLogs deletes zero-length memtable WAL (.mem) and value-log (.vlog) files. Badger
// 4.9.6 creates such a file and then sizes it; a crash in between leaves it empty, and Badger
// then refuses to open ("while opening fid: N err: Create a new file") on every restart. Found
// by this package's crash harness. An empty file holds no entries, so removing it loses nothing.
func removeEmptyLogs(dir string, log *slog.Logger) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("outbox: %w", err)
	}
	removed := false
	for _, de := range ents {
		name := de.Name()
		if filepath.Ext(name) != ".mem" && filepath.Ext(name) != ".vlog" {
			continue
		}
		fi, err := de.Info()
		if err != nil || fi.Size() != 0 {
			continue
		}
		log.Warn("outbox: removing an empty Badger log file left by a crash", "file", name)
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		removed = true
	}
	if removed {
		return syncDir(dir)
	}
	return nil
}

type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error("badger: " + fmt.Sprintf(f, a...)) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn("badger: " + fmt.Sprintf(f, a...)) }
func (b badgerLogger) Infof(string, ...any)        {}
func (b badgerLogger) Debugf(string, ...any)       {}
