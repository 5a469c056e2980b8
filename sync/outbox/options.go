package outbox

import (
	"fmt"
	"log/slog"
	"time"
)

// Options configure a Store. Zero values take the defaults noted on each field; the defaults suit
// a workstation (tens of MB of memory, hundreds of thousands of queued packets).
type Options struct {
	Dir string   // data directory (required); Badger lives in Dir/badger, sealed packets in Dir/blobs
	Key [32]byte // at-rest key (from LoadKeyFile); must not be all zero

	MemTableSize     int64 // Badger memtable, default 8 MiB
	ValueLogFileSize int64 // Badger value-log file, default 16 MiB (Badger's minimum is 1 MiB)
	BlockCacheSize   int64 // default 8 MiB; must be non-zero with encryption on
	IndexCacheSize   int64 // default 4 MiB
	ValueThreshold   int64 // default 64 KiB; every record we write is kept below it

	IODeadline  time.Duration // a storage operation slower than this fails the store, default 15 s
	GCInterval  time.Duration // idle value-log GC tick, default 5 min
	ReserveFree int64         // refuse new data when free space is below this, default 256 MiB
	BallastSize int64         // ballast file released for recovery, default 64 MiB; -1 disables

	Logger *slog.Logger // default: discard
}

func (o *Options) setDefaults() error {
	if o.Dir == "" {
		return fmt.Errorf("outbox: options: Dir is required")
	}
	if o.Key == ([32]byte{}) {
		return fmt.Errorf("outbox: options: Key is all zero")
	}
	def := func(v *int64, d int64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.MemTableSize, 8<<20)
	def(&o.ValueLogFileSize, 16<<20)
	def(&o.BlockCacheSize, 8<<20)
	def(&o.IndexCacheSize, 4<<20)
	def(&o.ValueThreshold, 64<<10)
	def(&o.ReserveFree, 256<<20)
	def(&o.BallastSize, 64<<20)
	if o.IODeadline == 0 {
		o.IODeadline = 15 * time.Second
	}
	if o.GCInterval == 0 {
		o.GCInterval = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ValueLogFileSize < 1<<20 {
		return fmt.Errorf("outbox: options: ValueLogFileSize %d below Badger's 1 MiB minimum", o.ValueLogFileSize)
	}
	if o.ValueThreshold > 1<<20 || o.ValueThreshold < 1024 {
		return fmt.Errorf("outbox: options: ValueThreshold %d outside 1 KiB..1 MiB", o.ValueThreshold)
	}
	return nil
}
