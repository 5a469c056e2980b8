package extract_test

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time of the calling thread: benchmarks report it per operation
// beside the wall time, which on a shared machine also counts other processes' work.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
