package main

import (
	"context"
	"io"

	"github.com/enrolld/enrolld/sync/cli"
)

// runQueue implements `enrollctl queue list|show|retry|status` against a running daemon.
func runQueue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.RunQueue(ctx, args, stdout, stderr)
}
