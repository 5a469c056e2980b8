package gallery

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps f read-only and shared, populated at once (one call reads what is not
// cached and fills the page tables, instead of a fault per page later); an empty file
// gives an empty slice. The mapping is never unmapped (see OpenSnapshotFile).
func mapFile(f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 {
		return []byte{}, nil
	}
	if fi.Size() != int64(int(fi.Size())) {
		return nil, os.ErrInvalid
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, err
	}
	return b, nil
}
