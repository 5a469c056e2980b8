package main

import "context"

// A subsystem is one part of the daemon with a lifetime: the storage directory, the
// capture devices, and later the sync outbox, the matcher gallery and the enrollment
// desk. The daemon starts subsystems in order once the HTTP server listens, is ready
// when all have started, and stops them in reverse order. A subsystem that serves
// HTTP adds its routes with daemon.handle when it is created (before run).
//
// Wiring a new one, say the sync outbox:
//  1. add its section to config: a field Sync syncConfig tagged yaml:"sync", whose
//     type has validate(*problems);
//  2. write cmd/enrolld/sync.go with a type implementing subsystem (and reloader if
//     SIGHUP should reach it), built from the config, d.storage.Dir() and
//     d.metrics.registry, registering its routes with d.handle;
//  3. append it to d.subsystems in newDaemon, after what it depends on.
type subsystem interface {
	// Name names the subsystem in logs ("storage", "devices").
	Name() string
	// Start brings the subsystem up. An error stops the daemon (exit status 1).
	Start(ctx context.Context) error
	// Stop releases what the subsystem holds before ctx's deadline.
	Stop(ctx context.Context) error
}

// reloader is a subsystem that applies a new configuration on SIGHUP. It returns
// the configuration sections it took over (for instance "devices"); a change in any
// other section is logged as needing a restart.
type reloader interface {
	subsystem
	Reload(ctx context.Context, cfg *config) (sections []string, err error)
}
