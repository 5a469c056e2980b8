package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/enrolld/enrolld/capture/audit"
)

const auditUsage = `usage: enrollctl audit verify [--storage.path DIR | --file PATH] [--head PATH | --no-head]

verify reads the desk's hash-chained audit log and checks every link: an entry changed,
removed or moved is reported with its line and sequence number (exit 1). The chain's end
is compared with the head file written beside the log (PATH.head) unless --no-head, so
entries cut off the end are caught too.`

// runAudit implements `enrollctl audit verify`.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, auditUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: audit needs the verify sub-command", errUsage)
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storage := fs.String("storage.path", "/var/lib/enrolld", "the daemon's state `directory`; the log is DIR/audit/audit.log")
	file := fs.String("file", "", "the audit log `file` (overrides --storage.path)")
	headPath := fs.String("head", "", "head `file` to compare the chain's end with (default: the log's .head file)")
	noHead := fs.Bool("no-head", false, "do not compare the chain's end with a head file")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: audit verify takes no arguments", errUsage)
	}
	path := *file
	if path == "" {
		path = filepath.Join(*storage, "audit", "audit.log")
	}
	var want *audit.Head
	if !*noHead {
		hp := *headPath
		if hp == "" {
			hp = path + ".head"
		}
		h, err := audit.ReadHead(hp)
		if err != nil {
			return fmt.Errorf("audit: head file: %w (use --no-head to check the links only)", err)
		}
		want = &h
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	head, n, err := audit.Verify(f, want)
	if err != nil {
		return fmt.Errorf("%s: %w (%d entries verified before it)", path, err, n)
	}
	fmt.Fprintf(stdout, "%s: %d entries, chain intact, head %d %s\n", path, n, head.Seq, head.Hash)
	return nil
}
