package gallery

import (
	"fmt"
	"io"
	"os"
)

// OpenSnapshotFile loads the snapshot file at path. Where the platform can, the file is
// mapped into memory and the templates (the arenas, 70 % of a snapshot) are used where
// they lie instead of being copied: their pages are the page cache's, already in memory
// when the file was written or read recently, so a load does not wait for gigabytes of
// fresh memory to be faulted in and filled (in a virtual machine most of a streamed load:
// a million persons load in 1.3–1.8 s mapped against 2.5–3.6 s streamed, and after other
// work 3.5–4.9 s against 5.1–9.6 s). Everything else is checked and decoded as ReadSnapshot
// does, checksums of the mapped bytes included.
//
// The mapping lasts as long as the process. The gallery may change afterwards (a shard
// that changes copies its templates out), and the file may be replaced by renaming another
// over it (as a snapshot writer should), but it must not be truncated or rewritten in
// place while mapped. Elsewhere the file is read as a stream.
func OpenSnapshotFile(path string, o Options) (*Gallery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := mapFile(f)
	if err != nil {
		return nil, fmt.Errorf("gallery: map %s: %w", path, err)
	}
	if data == nil { // not mappable here: stream it
		return ReadSnapshot(f, o)
	}
	return loadSnapshot(&mapSource{b: data}, o)
}

// mapSource yields the bytes of a mapped snapshot in place; slices are capped at their
// length, so appending to one (a shard changing) copies it instead of writing the file.
type mapSource struct {
	b   []byte
	off int
}

func (m *mapSource) next(n int) ([]byte, error) {
	if n < 0 || n > len(m.b)-m.off {
		m.off = len(m.b)
		return nil, io.ErrUnexpectedEOF
	}
	b := m.b[m.off : m.off+n : m.off+n]
	m.off += n
	return b, nil
}

func (m *mapSource) keep(n int) ([]byte, error) { return m.next(n) }
