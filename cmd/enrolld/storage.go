package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// storage is the daemon's state directory. Start creates it (mode 0700) and takes
// an exclusive lock on its LOCK file, so that two daemons never share one store.
type storage struct {
	path string
	log  *slog.Logger
	lock *os.File
}

// newStorage returns the storage subsystem for the directory at path (made
// absolute now, so that Dir never changes while the daemon runs).
func newStorage(path string, log *slog.Logger) (*storage, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	return &storage{path: abs, log: log}, nil
}

func (s *storage) Name() string { return "storage" }

// Dir returns the absolute path of the state directory.
func (s *storage) Dir() string { return s.path }

// Start opens and locks the directory.
func (s *storage) Start(ctx context.Context) error {
	abs := s.path
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("storage: creating %s: %w", abs, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("storage: %s is not a directory", abs)
	}
	if st.Mode().Perm()&0o077 != 0 {
		s.log.Warn("storage directory is readable by other users; it will hold biometric data, chmod 700 it",
			"path", abs, "mode", st.Mode().Perm().String())
	}
	lockPath := filepath.Join(abs, "LOCK")
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("storage: opening %s: %w", lockPath, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("storage: %s is in use by another enrolld (it holds %s)", abs, lockPath)
		}
		return fmt.Errorf("storage: locking %s: %w", lockPath, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	s.lock = f
	s.log.Info("storage open", "path", abs)
	return nil
}

// Stop releases the lock.
func (s *storage) Stop(ctx context.Context) error {
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close() // closing the descriptor releases the flock
	s.lock = nil
	return err
}
