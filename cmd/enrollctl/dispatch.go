package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// runFunc runs one sub-command with the arguments after its name. It parses them
// with its own flag.FlagSet (flag.ContinueOnError, output to stderr) and returns
// nil on success, flag.ErrHelp after printing help, an error wrapping errUsage for
// wrong usage (exit 2), or any other error for failure (exit 1).
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// command is one entry of the dispatch table.
type command struct {
	name    string
	summary string
	run     runFunc
}

// commands is the dispatch table, in the order help lists it. Wiring a command
// written in its own file (cmd/enrollctl/<topic>.go exposing run<Topic>) is a
// one-line change here: replace notYet("<topic>") by run<Topic>.
func commands() []command {
	return []command{
		{"status", "show the daemon's status (station, readiness, device counts)", runStatus},
		{"devices", "list the daemon's capture devices and their state", runDevices},
		{"capture", "capture a fingerprint, photo or signature from a device", runCaptureCmd},
		{"extract", "extract a minutiae template from a fingerprint image", runExtract},
		{"match", "compare two fingerprints or templates (1:1)", runMatch},
		{"search", "search a fingerprint against the gallery (1:N)", runSearch},
		{"eval", "measure matcher accuracy (FMR, FNMR, DET) on a data set", runEval},
		{"synth", "generate synthetic fingerprints for tests and demos", runSynth},
		{"bench", "benchmark extraction and 1:N search", runBench},
		{"record", "read, write and check ANSI/NIST-ITL and ISO 19794 records", runRecord},
		{"wsq", "encode and decode WSQ fingerprint images", runWSQ},
		{"queue", "inspect the store-and-forward outbox", runQueue},
		{"firmware", "inspect and apply signed device firmware", runFirmware},
		{"keys", "manage the station's keys", runKeys},
		{"usb", "list USB devices and the drivers that would handle them", runUSB},
		{"audit", "read and verify the audit log", runAudit},
	}
}

// errUsage is wrapped by errors that mean the command line was wrong (exit 2).
var errUsage = errors.New("usage")

// usageErrorf returns an error wrapping errUsage.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// run dispatches args to a sub-command and maps its result to an exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			usage(stdout)
			return exitOK
		}
		name, rest = rest[0], []string{"-h"}
	}
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "enrollctl: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, rest, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage), isFlagError(err):
		fmt.Fprintf(stderr, "enrollctl %s: %v\n", name, strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "enrollctl %s: %v\n", name, err)
		return exitFailed
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage lists the commands.
func usage(w io.Writer) {
	fmt.Fprint(w, "Usage: enrollctl <command> [flags] [arguments]\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nRun 'enrollctl help <command>' for its flags.\n")
}

// newFlagSet returns the flag set a sub-command parses its arguments with.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("enrollctl "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: enrollctl %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErrorf("%v", err)
	}
	return nil
}

// flagErrorPrefixes start the errors flag.FlagSet.Parse returns (the flag package
// has no error types), so that a sub-command returning its parse error unwrapped
// still exits with the usage status.
var flagErrorPrefixes = []string{
	"flag provided but not defined: ",
	"flag needs an argument: ",
	"invalid value ",
	"invalid boolean value ",
	"invalid boolean flag ",
	"bad flag syntax: ",
}

// isFlagError reports whether err (or an error it wraps) came from flag parsing.
func isFlagError(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, p := range flagErrorPrefixes {
			if strings.HasPrefix(e.Error(), p) {
				return true
			}
		}
	}
	return false
}

// parseInterleaved parses flags that may come before, between and after the positional
// arguments (Go's flag package stops at the first positional one) and returns those.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
