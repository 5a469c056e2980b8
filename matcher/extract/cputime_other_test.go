//go:build !linux

package extract_test

import "time"

func threadCPU() time.Duration { return 0 }
