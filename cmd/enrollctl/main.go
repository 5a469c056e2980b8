// Command enrollctl is the operator and administrator CLI of enrolld.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// commands maps sub-commands to their implementations.
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"eval":     runEval,
	"firmware": runFirmware,
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: enrollctl COMMAND [ARGS]")
		os.Exit(2)
	}
	run, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "enrollctl: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[2:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "enrollctl:", err)
		os.Exit(1)
	}
}
