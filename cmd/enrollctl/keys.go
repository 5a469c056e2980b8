package main

import (
	"context"
	"io"

	"github.com/enrolld/enrolld/sync/cli"
)

// runKeys implements `enrollctl keys init`: a station's keys, CSR and outbox key file.
func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.RunKeys(ctx, args, stdout, stderr)
}
