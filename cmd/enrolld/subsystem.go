package main

import "context"

// A subsystem is one part of the daemon with a lifetime: the storage directory, the
// capture devices, and later the sync outbox, the matcher gallery and the enrollment
// desk. The daemon starts subsystems in order once the HTTP server listens, is ready
// when all have started, and stops them in reverse order. A subsystem that serves
// HTTP adds its routes with daemon.handle when it is created.
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
