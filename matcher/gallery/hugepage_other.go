//go:build !linux

package gallery

// adviseHuge does nothing where the kernel has no transparent huge pages to ask for.
func adviseHuge([]byte) {}
