package main

// The drivers and emulators compiled into enrolld. Each package registers itself
// with drivers.Default in its init(); a driver named in the configuration but not
// imported here is reported as failed ("driver "x" is not compiled into this build")
// and the daemon runs without it. Add a driver with one blank import per package.
import (
	_ "github.com/enrolld/enrolld/drivers/isdv4"
	_ "github.com/enrolld/enrolld/drivers/isdv4/emu"
	_ "github.com/enrolld/enrolld/drivers/ptp"
	_ "github.com/enrolld/enrolld/drivers/ptp/emu"
	_ "github.com/enrolld/enrolld/drivers/uru4000"
	_ "github.com/enrolld/enrolld/drivers/uru4000/emu"
)
