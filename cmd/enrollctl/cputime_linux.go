package main

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time consumed by the calling OS thread; callers lock the
// goroutine to its thread. Timing by CPU time keeps per-core figures honest on a busy,
// shared machine, where wall-clock time would count other processes' work.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
