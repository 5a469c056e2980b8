// Command enrolld is the daemon of a biometric enrollment station. It drives the
// station's fingerprint scanner, camera and signature pad through the drivers
// compiled into it (see drivers.go), serves a JSON API, health endpoints and
// Prometheus metrics over HTTP, and runs under systemd as a Type=notify service.
//
// Usage:
//
//	enrolld --config.file=/etc/enrolld/enrolld.yaml [--web.listen-address=:9464]
//	        [--storage.path=DIR] [--log.level=info] [--log.format=json|logfmt]
//	enrolld --config.file=FILE --config.check   # validate the file and exit
//
// Exit status: 0 after a clean stop, 1 when the daemon fails at run time, 2 when the
// flags or the configuration are wrong (nothing is started then).
//
// Signals: SIGHUP reloads the configuration (log level, device list); SIGTERM and
// SIGINT stop the daemon within --shutdown.timeout.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv, sigs))
}
