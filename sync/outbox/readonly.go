package outbox

import (
	"errors"
	"fmt"
	"os"
	"strings"

	badger "github.com/dgraph-io/badger/v4"
	"golang.org/x/crypto/chacha20poly1305"
)

// ErrNotClean reports a store that a read-only open cannot read as it is: it was not closed
// cleanly (a crash), which only a read-write open repairs.
var ErrNotClean = errors.New("outbox: store not closed cleanly (start and stop the daemon once, or ask the running daemon)")

// OpenReadOnly opens the outbox in opt.Dir for reading only (`enrollctl audit verify` on a
// stopped station): nothing is written, repaired or started in the background, and every
// write fails. It fails while a daemon holds the store (Badger's directory lock), and with
// ErrNotClean after a crash.
func OpenReadOnly(opt Options) (*Store, error) {
	if err := opt.setDefaults(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(opt.Dir); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	aead, err := chacha20poly1305.NewX(deriveKey(opt.Key, "record key v1"))
	if err != nil {
		return nil, err
	}
	s := &Store{opt: opt, aead: aead, log: opt.Logger, failed: make(chan struct{}), stopBg: make(chan struct{}),
		counts: map[State]int{}, sending: map[string]bool{}}
	s.deadline.Store(int64(opt.IODeadline))
	var db *badger.DB
	err = s.guard("open", func() error { var e error; db, e = badger.Open(badgerOptions(opt).WithReadOnly(true)); return e })
	switch {
	case errors.Is(err, badger.ErrEncryptionKeyMismatch):
		return nil, fmt.Errorf("%w: %s", ErrWrongKey, opt.Dir)
	case err != nil && strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error()): // Badger's wrapping drops the chain
		return nil, fmt.Errorf("%w: %s: %v", ErrNotClean, opt.Dir, err)
	case err != nil:
		return nil, fmt.Errorf("outbox: open %s read-only: %w", opt.Dir, err)
	}
	s.db = db
	return s, nil
}
