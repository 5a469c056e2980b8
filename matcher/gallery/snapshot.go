package gallery

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"

	"github.com/enrolld/enrolld/matcher"
)

// ErrSnapshot means a snapshot is malformed or corrupt (bad magic, checksum or field).
var ErrSnapshot = errors.New("gallery: bad snapshot")

// Snapshot layout, little-endian. A file header, then one section per shard, then a trailer:
//
//	header  "ENRGAL01" | shards u32 | code version u32 | saved unix ns i64 | crc32c of the above u32 | pad u32
//	section persons u32 | ids bytes u32 | arena bytes u64 | crc32c of payload u32 | crc32c of these 20 bytes u32
//	        payload: codes (persons×10×8 u64) | ones (persons×10 u16) | offs (persons×10 u32) |
//	                 id ends (persons u32) | ids | arena
//	trailer "ENRGEND1"
//
// Only live persons are written. Loading reads each section in one go, checks both
// checksums and every offset, and rebuilds the shard's index; codes are stored, not
// recomputed, so a million persons load in about the time it takes to read the file.
const (
	snapMagic   = "ENRGAL01"
	snapTrailer = "ENRGEND1"
	maxShards   = 1 << 16
	// codeVersion changes whenever NewCode would compute different codes: stored codes of
	// another version would silently degrade stage 1.
	codeVersion = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteSnapshot writes the gallery's live persons to w.
func (g *Gallery) WriteSnapshot(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	hdr := make([]byte, 32)
	copy(hdr, snapMagic)
	binary.LittleEndian.PutUint32(hdr[8:], uint32(len(g.shards)))
	binary.LittleEndian.PutUint32(hdr[12:], codeVersion)
	now := time.Now()
	binary.LittleEndian.PutUint64(hdr[16:], uint64(now.UnixNano()))
	binary.LittleEndian.PutUint32(hdr[24:], crc32.Checksum(hdr[:24], castagnoli))
	if _, err := bw.Write(hdr); err != nil {
		return err
	}
	for i := range g.shards {
		if err := writeSection(bw, g.shards[i].view.Load()); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString(snapTrailer); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	g.loaded.Store(now.UnixNano())
	return nil
}

// writeSection encodes the live persons of one view.
func writeSection(w io.Writer, v *shardView) error {
	c := v
	if v.live != v.n {
		c = v.compact(map[string]int32{})
	}
	n := c.n
	ids := 0
	for _, id := range c.ids[:n] {
		ids += len(id)
	}
	buf := make([]byte, 0, n*Fingers*(CodeBytes+6)+n*4+ids+len(c.arena))
	for _, x := range c.codes[:n*Fingers*CodeWords] {
		buf = binary.LittleEndian.AppendUint64(buf, x)
	}
	for _, x := range c.ones[:n*Fingers] {
		buf = binary.LittleEndian.AppendUint16(buf, x)
	}
	for _, x := range c.offs[:n*Fingers] {
		buf = binary.LittleEndian.AppendUint32(buf, x)
	}
	end := 0
	for _, id := range c.ids[:n] {
		end += len(id)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(end))
	}
	for _, id := range c.ids[:n] {
		buf = append(buf, id...)
	}
	buf = append(buf, c.arena...)
	var sh [24]byte
	binary.LittleEndian.PutUint32(sh[0:], uint32(n))
	binary.LittleEndian.PutUint32(sh[4:], uint32(ids))
	binary.LittleEndian.PutUint64(sh[8:], uint64(len(c.arena)))
	binary.LittleEndian.PutUint32(sh[16:], crc32.Checksum(buf, castagnoli))
	binary.LittleEndian.PutUint32(sh[20:], crc32.Checksum(sh[:20], castagnoli))
	if _, err := w.Write(sh[:]); err != nil {
		return err
	}
	_, err := w.Write(buf)
	return err
}

// ReadSnapshot loads a gallery written by WriteSnapshot. Corruption anywhere gives an error
// wrapping ErrSnapshot that names the section; nothing is half-loaded.
// The options' Shards is ignored: the snapshot's shard count is kept.
func ReadSnapshot(r io.Reader, o Options) (*Gallery, error) {
	return loadSnapshot(&streamSource{r: bufio.NewReaderSize(r, 1<<20)}, o)
}

// snapshotSource yields a snapshot's bytes in order: from a stream (ReadSnapshot) or from a
// file mapped into memory (OpenSnapshotFile).
type snapshotSource interface {
	// next returns the next n bytes, valid until the following call of next.
	next(n int) ([]byte, error)
	// keep returns the next n bytes in memory the gallery may keep (an arena).
	keep(n int) ([]byte, error)
}

// streamSource reads a stream: next reuses one buffer (decoding copies out of it), keep
// allocates, so a load touches little more memory than the gallery it builds.
type streamSource struct {
	r       io.Reader
	scratch []byte
}

func (s *streamSource) next(n int) ([]byte, error) {
	b, err := readInto(s.r, s.scratch, n)
	if b != nil {
		s.scratch = b
	}
	return b, err
}

func (s *streamSource) keep(n int) ([]byte, error) { return readBytes(s.r, n) }

// loadSnapshot builds a gallery from a snapshot source (see ReadSnapshot).
func loadSnapshot(src snapshotSource, o Options) (*Gallery, error) {
	h, err := src.next(32)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrSnapshot, err)
	}
	hdr := append([]byte(nil), h...)
	if string(hdr[:8]) != snapMagic {
		return nil, fmt.Errorf("%w: header: not a gallery snapshot", ErrSnapshot)
	}
	if crc32.Checksum(hdr[:24], castagnoli) != binary.LittleEndian.Uint32(hdr[24:]) {
		return nil, fmt.Errorf("%w: header: checksum mismatch", ErrSnapshot)
	}
	if v := binary.LittleEndian.Uint32(hdr[12:]); v != codeVersion {
		return nil, fmt.Errorf("%w: stage-1 code version %d, this build uses %d (regenerate the snapshot)", ErrSnapshot, v, codeVersion)
	}
	shards := int(binary.LittleEndian.Uint32(hdr[8:]))
	if shards < 1 || shards > maxShards {
		return nil, fmt.Errorf("%w: header: %d shards", ErrSnapshot, shards)
	}
	o.Shards = shards
	g := New(o)
	for i := range g.shards {
		v, err := readSection(src)
		if err != nil {
			return nil, fmt.Errorf("%w: shard %d: %w", ErrSnapshot, i, err)
		}
		s := &g.shards[i]
		for slot, id := range v.ids {
			if shardIndex(id, shards) != i {
				return nil, fmt.Errorf("%w: shard %d: person %d belongs to shard %d", ErrSnapshot, i, slot, shardIndex(id, shards))
			}
			if _, dup := s.index[id]; dup {
				return nil, fmt.Errorf("%w: shard %d: subject %d repeated", ErrSnapshot, i, slot)
			}
			s.index[id] = int32(slot)
		}
		s.view.Store(v)
	}
	if tr, err := src.next(len(snapTrailer)); err != nil || string(tr) != snapTrailer {
		return nil, fmt.Errorf("%w: missing trailer (file truncated?)", ErrSnapshot)
	}
	g.loaded.Store(int64(binary.LittleEndian.Uint64(hdr[16:])))
	return g, nil
}

// maxSectionPersons bounds one section so a corrupt count cannot demand absurd memory.
const maxSectionPersons = 1 << 22

// readSection reads and validates one shard section: its payload is decoded into the view,
// its arena kept as it is.
func readSection(src snapshotSource) (*shardView, error) {
	sh, err := src.next(24)
	if err != nil {
		return nil, fmt.Errorf("section header: %w", err)
	}
	if crc32.Checksum(sh[:20], castagnoli) != binary.LittleEndian.Uint32(sh[20:]) {
		return nil, errors.New("section header checksum mismatch")
	}
	n := int(binary.LittleEndian.Uint32(sh[0:]))
	ids := int(binary.LittleEndian.Uint32(sh[4:]))
	arena := binary.LittleEndian.Uint64(sh[8:])
	sum := binary.LittleEndian.Uint32(sh[16:])
	if n > maxSectionPersons || ids > n*MaxSubjectLen || arena > uint64(n)*Fingers*(1+255*matcher.PackedMinutiaBytes) {
		return nil, fmt.Errorf("section sizes out of range (%d persons)", n)
	}
	buf, err := src.next(n*Fingers*(CodeBytes+6) + n*4 + ids)
	if err != nil {
		return nil, fmt.Errorf("section payload: %w", err)
	}
	ar, err := src.keep(int(arena))
	if err != nil {
		return nil, fmt.Errorf("section arena: %w", err)
	}
	if crc32.Update(crc32.Checksum(buf, castagnoli), castagnoli, ar) != sum {
		return nil, errors.New("section payload checksum mismatch")
	}
	return decodeSection(buf, ar, n, ids)
}

// readBytes reads exactly n bytes into a new buffer (see readInto).
func readBytes(r io.Reader, n int) ([]byte, error) { return readInto(r, nil, n) }

// readInto reads exactly n bytes, appended to b[:0] (reusing its capacity), growing the
// buffer as data arrives so that a corrupt length in a short file fails at end of file
// instead of allocating n bytes first.
func readInto(r io.Reader, b []byte, n int) ([]byte, error) {
	const chunk = 64 << 20
	b = b[:0]
	if n <= max(chunk, cap(b)) {
		if cap(b) < n {
			b = make([]byte, n)
			adviseHuge(b) // before the first write
		}
		b = b[:n]
		_, err := io.ReadFull(r, b)
		return b, err
	}
	for len(b) < n {
		k := min(n-len(b), chunk)
		if cap(b)-len(b) < k {
			b = append(b[:cap(b)], make([]byte, min(max(cap(b), chunk), n-cap(b)))...)[:len(b)]
		}
		if _, err := io.ReadFull(r, b[len(b):len(b)+k]); err != nil {
			return nil, err
		}
		b = b[:len(b)+k]
	}
	return b, nil
}
