package outbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"golang.org/x/sys/unix"
)

// ErrLowSpace reports that free disk space is below the reserve: new enrollments are refused
// before Badger can run out of space (which it does not survive).
var ErrLowSpace = errors.New("outbox: free disk space below the reserve")

// Health is the storage watchdog's latest finding.
type Health struct {
	OK         bool          // the last probe finished in time without error
	FreeBytes  int64         // free bytes available to the daemon
	ProbeTime  time.Duration // how long the last probe took
	LastProbe  time.Time
	LastError  string
	BallastSet bool // the ballast file is in place
}

func (s *Store) ballastPath() string { return filepath.Join(s.opt.Dir, "ballast") }

// FreeBytes returns the bytes available to an unprivileged writer in the data directory.
func (s *Store) FreeBytes() (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(s.opt.Dir, &st); err != nil {
		return 0, fmt.Errorf("outbox: statfs %s: %w", s.opt.Dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// CheckSpace returns ErrLowSpace if writing extra bytes would leave less than the reserve free.
func (s *Store) CheckSpace(extra int64) error {
	free, err := s.FreeBytes()
	if err != nil {
		return err
	}
	if free-extra < s.opt.ReserveFree {
		return fmt.Errorf("%w: %d bytes free, %d needed plus a reserve of %d", ErrLowSpace, free, extra, s.opt.ReserveFree)
	}
	return nil
}

// prepareSpace runs before Badger opens: if space is critically low (under half the reserve) it
// releases the ballast so Badger can open and the queue can drain; otherwise it makes sure the
// ballast exists.
func (s *Store) prepareSpace() error {
	if s.opt.BallastSize < 0 {
		return nil
	}
	free, err := s.FreeBytes()
	if err != nil {
		return err
	}
	_, statErr := os.Stat(s.ballastPath())
	haveBallast := statErr == nil
	switch {
	case free < s.opt.ReserveFree/2 && haveBallast:
		s.log.Warn("outbox: disk nearly full; releasing the ballast file", "free_bytes", free)
		return s.ReleaseBallast()
	case !haveBallast && free > s.opt.ReserveFree+s.opt.BallastSize:
		return s.makeBallast()
	}
	return nil
}

// makeBallast allocates the ballast file (real blocks, via fallocate).
func (s *Store) makeBallast() error {
	tmp := s.ballastPath() + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("outbox: ballast: %w", err)
	}
	if err := unix.Fallocate(int(f.Fd()), 0, 0, s.opt.BallastSize); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("outbox: ballast: fallocate %d bytes: %w", s.opt.BallastSize, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	f.Close()
	if err := os.Rename(tmp, s.ballastPath()); err != nil {
		return err
	}
	return syncDir(s.opt.Dir)
}

// ReleaseBallast deletes the ballast file, giving its space back for recovery.
func (s *Store) ReleaseBallast() error {
	if err := os.Remove(s.ballastPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("outbox: release ballast: %w", err)
	}
	return syncDir(s.opt.Dir)
}

// Health returns the storage watchdog's latest finding.
func (s *Store) Health() Health {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	return s.health
}

// probe writes and fsyncs a small file and a Badger record under the I/O deadline.
func (s *Store) probe() {
	start := time.Now()
	h := Health{LastProbe: start}
	err := s.guard("storage probe", func() error {
		if err := s.db.Update(func(txn *badger.Txn) error {
			return s.put(txn, []byte("m/probe"), start.UTC())
		}); err != nil {
			return err
		}
		p := filepath.Join(s.opt.Dir, "probe")
		if err := os.WriteFile(p, []byte(start.UTC().Format(time.RFC3339Nano)), 0o600); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
	h.ProbeTime = time.Since(start)
	h.FreeBytes, _ = s.FreeBytes()
	_, ballastErr := os.Stat(s.ballastPath())
	h.BallastSet = ballastErr == nil
	h.OK = err == nil
	if err != nil {
		h.LastError = err.Error()
	}
	s.healthMu.Lock()
	s.health = h
	s.healthMu.Unlock()
}

// watchdog probes storage every few seconds; a probe that misses the deadline fails the store.
func (s *Store) watchdog() {
	defer s.bg.Done()
	s.probe()
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stopBg:
			return
		case <-t.C:
			s.probe()
		}
	}
}

// gcLoop runs Badger's value-log GC when the store has been idle for a whole interval.
func (s *Store) gcLoop() {
	defer s.bg.Done()
	t := time.NewTicker(s.opt.GCInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stopBg:
			return
		case <-t.C:
			if time.Since(time.Unix(0, s.lastOp.Load())) < s.opt.GCInterval || s.err() != nil {
				continue
			}
			for s.db.RunValueLogGC(0.5) == nil {
			}
		}
	}
}
