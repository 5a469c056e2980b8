package outbox

import (
	"crypto/cipher"
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	stdsync "sync"
)

// SnapshotReader opens a sealed snapshot chunk by chunk. Chunks are read and decrypted on a
// goroutine of their own, a few ahead of the consumer, so decryption overlaps with whatever
// parses the plain text. Read returns io.EOF only after the final chunk authenticated: a
// consumer that read to io.EOF has read the whole file as written. Any damage gives an error
// wrapping ErrSnapshot, never plain text that did not authenticate. Close stops the goroutine;
// call it before closing the underlying reader.
type SnapshotReader struct {
	cursor string
	chunks chan []byte // opened chunks in order; closed when the goroutine ends
	free   chan []byte // buffers the consumer has finished with
	done   chan struct{}
	ended  chan struct{}
	fail   error // why the goroutine ended (io.EOF after the final chunk); read after chunks closes
	cur    []byte
	held   []byte // the buffer cur points into
	err    error
	once   stdsync.Once
}

// snapBuffers is how many chunk buffers a reader cycles through (decrypting ahead).
const snapBuffers = 4

// OpenSnapshot checks the header of the sealed snapshot r under the store's key and starts
// opening its chunks. Cursor reports the register-slice cursor the header records.
func (s *Store) OpenSnapshot(r io.Reader) (*SnapshotReader, error) {
	return openSnapshot(r, snapshotKey(s.opt.Key))
}

func openSnapshot(r io.Reader, key []byte) (*SnapshotReader, error) {
	hdr := make([]byte, snapFixedHeader)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, headerError(err)
	}
	if string(hdr[:8]) != snapMagic {
		return nil, fmt.Errorf("%w: header: not a sealed snapshot", ErrSnapshot)
	}
	chunk := int(binary.LittleEndian.Uint32(hdr[8:]))
	clen := int(binary.LittleEndian.Uint16(hdr[12:]))
	if chunk < minSnapChunk || chunk > maxSnapChunk || clen > maxSnapCursor || hdr[14] != 0 || hdr[15] != 0 {
		return nil, fmt.Errorf("%w: header: chunk size %d or cursor length %d out of range", ErrSnapshot, chunk, clen)
	}
	hdr = append(hdr, make([]byte, clen)...)
	if _, err := io.ReadFull(r, hdr[snapFixedHeader:]); err != nil {
		return nil, headerError(err)
	}
	if !hmac.Equal(keyCheck(key, hdr[16:48]), hdr[48:64]) {
		return nil, fmt.Errorf("%w: sealed under another key, or its header is damaged (%w)", ErrSnapshot, ErrWrongKey)
	}
	aead, err := chunkAEAD(key, hdr)
	if err != nil {
		return nil, err
	}
	sr := &SnapshotReader{cursor: string(hdr[snapFixedHeader:]), chunks: make(chan []byte, snapBuffers),
		free: make(chan []byte, snapBuffers), done: make(chan struct{}), ended: make(chan struct{})}
	go sr.run(r, aead, chunk)
	return sr, nil
}

// headerError words a failed header read.
func headerError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: header: file truncated", ErrSnapshot)
	}
	return fmt.Errorf("outbox: snapshot header: %w", err)
}

// Cursor returns the register-slice cursor recorded in the header (authenticated together
// with the first chunk: trust it once Read returned data or io.EOF).
func (sr *SnapshotReader) Cursor() string { return sr.cursor }

// run reads and opens chunks until the final one, an error, or Close.
func (sr *SnapshotReader) run(r io.Reader, aead cipher.AEAD, chunk int) {
	defer close(sr.ended)
	defer close(sr.chunks)
	made := 0
	for i := uint64(0); ; i++ {
		buf, ok := sr.buffer(&made, chunk+snapTagSize)
		if !ok {
			return
		}
		plain, final, err := openChunk(r, aead, buf[:chunk+snapTagSize], i)
		if err != nil {
			sr.fail = err
			return
		}
		select {
		case sr.chunks <- plain:
		case <-sr.done:
			return
		}
		if final {
			sr.fail = io.EOF
			return
		}
	}
}

// buffer returns a free chunk buffer, making up to snapBuffers of them as needed (a small
// file never costs more than one); ok is false after Close.
func (sr *SnapshotReader) buffer(made *int, size int) (buf []byte, ok bool) {
	select {
	case buf = <-sr.free:
		return buf, true
	default:
	}
	if *made < snapBuffers {
		*made++
		return make([]byte, size), true
	}
	select {
	case buf = <-sr.free:
		return buf, true
	case <-sr.done:
		return nil, false
	}
}

// openChunk reads and opens chunk i into buf. A short read marks the final chunk.
func openChunk(r io.Reader, aead cipher.AEAD, buf []byte, i uint64) (plain []byte, final bool, err error) {
	n, err := io.ReadFull(r, buf)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		return nil, false, fmt.Errorf("%w: truncated after chunk %d (the final chunk is missing)", ErrSnapshot, i)
	case errors.Is(err, io.ErrUnexpectedEOF):
		if n < snapTagSize {
			return nil, false, fmt.Errorf("%w: chunk %d truncated to %d bytes", ErrSnapshot, i, n)
		}
		final = true
	default:
		return nil, false, fmt.Errorf("outbox: snapshot chunk %d: %w", i, err)
	}
	plain, err = aead.Open(buf[:0], chunkNonce(i, final), buf[:n], nil)
	if err != nil {
		return nil, false, fmt.Errorf("%w: chunk %d failed authentication (damaged, truncated, reordered or from another file)", ErrSnapshot, i)
	}
	return plain, final, nil
}

// Read reads plain text; it returns io.EOF once the final chunk has been read.
func (sr *SnapshotReader) Read(p []byte) (int, error) {
	for len(sr.cur) == 0 {
		if sr.err != nil {
			return 0, sr.err
		}
		if sr.held != nil {
			sr.free <- sr.held[:cap(sr.held)] // never blocks: free holds every buffer
			sr.held = nil
		}
		b, ok := <-sr.chunks
		if !ok {
			sr.err = sr.fail
			if sr.err == nil {
				sr.err = fmt.Errorf("%w: reader closed", ErrSnapshot)
			}
			continue
		}
		sr.cur, sr.held = b, b
	}
	n := copy(p, sr.cur)
	sr.cur = sr.cur[n:]
	return n, nil
}

// Close stops the decrypting goroutine and waits for it. It never fails.
func (sr *SnapshotReader) Close() error {
	sr.once.Do(func() { close(sr.done) })
	<-sr.ended
	return nil
}
