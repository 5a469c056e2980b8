//go:build !linux

package gallery

import "os"

// mapFile maps nothing here: OpenSnapshotFile streams the file instead.
func mapFile(*os.File) ([]byte, error) { return nil, nil }
