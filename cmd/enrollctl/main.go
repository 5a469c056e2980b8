// Command enrollctl is the operator and administrator CLI of enrolld. Some
// sub-commands talk to a running daemon over its HTTP API (status, devices, queue);
// others work offline on files (extract, match, eval, record, wsq, …).
//
// Usage:
//
//	enrollctl <command> [flags] [arguments]
//	enrollctl help [command]
//
// Exit status: 0 success, 1 failure, 2 wrong usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
