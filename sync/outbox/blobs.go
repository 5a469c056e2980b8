package outbox

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func (s *Store) blobPath(id string) string { return filepath.Join(s.blobDir, id+".age") }

// writeBlob writes a sealed packet crash-safely: a temporary file, fsync, rename over the final
// name, fsync of the directory. It returns the SHA-256 of what was written.
func (s *Store) writeBlob(id string, data []byte) ([32]byte, error) {
	sum := sha256.Sum256(data)
	if strings.ContainsAny(id, "/\\.") || id == "" {
		return sum, fmt.Errorf("outbox: bad packet id %q", id)
	}
	err := s.guard("write sealed packet", func() error {
		tmp, err := os.CreateTemp(s.blobDir, ".tmp-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name()) // no-op after a successful rename
		if _, err := tmp.Write(data); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), s.blobPath(id)); err != nil {
			return err
		}
		return syncDir(s.blobDir)
	})
	if err != nil {
		return sum, fmt.Errorf("outbox: write sealed packet %s: %w", id, err)
	}
	return sum, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Sealed returns the sealed packet for a queue entry, checked against the hash in the entry.
func (s *Store) Sealed(e Entry) ([]byte, error) {
	var b []byte
	err := s.guard("read sealed packet", func() error {
		var err error
		b, err = os.ReadFile(s.blobPath(e.ID))
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: sealed file of %s (state %s)", ErrNotFound, e.ID, e.State)
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: read sealed packet %s: %w", e.ID, err)
	}
	if sha256.Sum256(b) != e.SealedHash {
		return nil, fmt.Errorf("%w: sealed file of %s changed on disk", ErrTampered, e.ID)
	}
	return b, nil
}

func (s *Store) removeBlob(id string) error {
	return s.guard("remove sealed packet", func() error {
		if err := os.Remove(s.blobPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return syncDir(s.blobDir)
	})
}

// blobIDs lists the ids of the sealed files present (temporary files are removed).
func (s *Store) blobIDs() (map[string]bool, error) {
	ents, err := os.ReadDir(s.blobDir)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, de := range ents {
		name := de.Name()
		switch {
		case strings.HasPrefix(name, ".tmp-"):
			os.Remove(filepath.Join(s.blobDir, name))
		case strings.HasSuffix(name, ".age"):
			ids[strings.TrimSuffix(name, ".age")] = true
		}
	}
	return ids, nil
}
