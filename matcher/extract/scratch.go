package extract

import (
	"math/bits"
	"sync"
)

// Extraction needs several image-sized buffers (the padded and smoothed images, the
// orientation bins, the ridge map, the skeleton's labels): a few megabytes per image.
// They are recycled through pools so that a stream of extractions does not keep the
// allocator and the garbage collector busy. Buffers hold no biometric data beyond the
// extraction that used them, and are never shared while in use.
var (
	float32Bufs bufPool[float32]
	uint8Bufs   bufPool[uint8]
	int32Bufs   bufPool[int32]
)

// bufPool recycles slices by size class: class c holds slices whose capacity is at
// least 2^c, so a slice taken from it never falls short and small buffers never
// displace the large ones.
type bufPool[T float32 | uint8 | int32] struct {
	class [48]sync.Pool // *[]T
}

// getBuf returns a slice of length n from the pool, or a new one; its contents are
// arbitrary unless zero is set.
func getBuf[T float32 | uint8 | int32](p *bufPool[T], n int, zero bool) []T {
	c := bits.Len(uint(max(n, 1) - 1)) // 2^c ≥ n
	if v, ok := p.class[c].Get().(*[]T); ok {
		b := (*v)[:n]
		if zero {
			clear(b)
		}
		return b
	}
	return make([]T, n, 1<<c)
}

// putBuf hands a slice from getBuf back to the pool; the caller must not use it again.
func putBuf[T float32 | uint8 | int32](p *bufPool[T], b []T) {
	if cap(b) > 0 {
		p.class[bits.Len(uint(cap(b)))-1].Put(&b)
	}
}

// filterBanks keeps recently built filter banks. A bank is read-only once built, so
// one taken from the pool is put straight back and may serve several extractions at
// once.
var filterBanks sync.Pool // *filterBank

// newFilterBank returns the filter bank for a padded image width, reusing a recent one
// of that width.
func newFilterBank(stride int) *filterBank {
	fb, ok := filterBanks.Get().(*filterBank)
	if !ok || fb.stride != stride {
		fb = buildFilterBank(stride)
	}
	filterBanks.Put(fb)
	return fb
}
