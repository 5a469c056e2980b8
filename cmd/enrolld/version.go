package main

import (
	"runtime"
	"runtime/debug"
)

// Set at link time: go build -ldflags "-X main.version=1.2.3 -X main.revision=abc1234".
var (
	version  = "dev"
	revision = ""
)

// buildInfo describes this binary for enrolld_build_info, --version and the API.
type buildInfo struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	GoVersion string `json:"go_version"`
}

// currentBuild returns the version, the VCS revision (from the linker flag or, failing
// that, the build's VCS stamp) and the Go version.
func currentBuild() buildInfo {
	b := buildInfo{Version: version, Revision: revision, GoVersion: runtime.Version()}
	if b.Revision == "" {
		b.Revision = "unknown"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					b.Revision = s.Value
				}
			}
		}
	}
	return b
}
