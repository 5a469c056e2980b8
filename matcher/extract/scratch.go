package extract

import "sync"

// Extraction needs several image-sized buffers (the padded and smoothed images, the
// orientation bins, the ridge map, the skeleton's labels): a few megabytes per image.
// They are recycled through pools so that a stream of extractions does not keep the
// allocator and the garbage collector busy. Buffers hold no biometric data beyond the
// extraction that used them, and are never shared while in use.
var (
	float32Bufs sync.Pool // *[]float32
	uint8Bufs   sync.Pool // *[]uint8
	int32Bufs   sync.Pool // *[]int32
)

// getBuf returns a slice of length n from the pool, or a new one; its contents are
// arbitrary unless zero is set.
func getBuf[T float32 | uint8 | int32](p *sync.Pool, n int, zero bool) []T {
	if v, ok := p.Get().(*[]T); ok && cap(*v) >= n {
		b := (*v)[:n]
		if zero {
			clear(b)
		}
		return b
	}
	return make([]T, n)
}

// putBuf hands a slice from getBuf back to the pool; the caller must not use it again.
func putBuf[T float32 | uint8 | int32](p *sync.Pool, b []T) {
	if cap(b) > 0 {
		p.Put(&b)
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
