package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/enrolld/enrolld/capture/record/ansinist"
)

const recordUsage = `usage: enrollctl record COMMAND
  dump  [-data-dir DIR] [-nbis] [-validate] FILE|-
        print a transaction one item per line: record.field.subfield.item [type.field]=value;
        data fields are summarised, or written to DIR/fld_R_F.tmp (mode 0600) like NBIS an2k2txt;
        ISO/IEC 19794-4 (FIR) and 19794-5 (FAC) records are recognised and summarised
  build -o OUT [-config FILE.yaml] [-tot T -dai D -ori O -tcn N ...]
        [-field NUM=VALUE ...] [-finger POS=IMAGE ...] [-face PHOTO.jpg] [-signature IMAGE|VECTORS.csv]
        assemble a transaction: Type-1, Type-2 fields, WSQ Type-14 fingers, a Type-10 face, a Type-8 signature`

// recordUsageError is a mistake in the command line; it wraps the dispatcher's errUsage
// (exit status 2).
type recordUsageError string

func (u recordUsageError) Error() string { return string(u) }

// Unwrap makes the error a usage error for the dispatcher.
func (u recordUsageError) Unwrap() error { return errUsage }

// runRecord reads, prints and assembles ANSI/NIST-ITL transactions.
func runRecord(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return recordUsageError("missing sub-command\n" + recordUsage)
	}
	switch args[0] {
	case "dump":
		return recordDump(ctx, args[1:], stdout, stderr)
	case "build":
		return recordBuild(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, recordUsage)
		return flag.ErrHelp
	}
	return recordUsageError(fmt.Sprintf("unknown sub-command %q\n%s", args[0], recordUsage))
}

// recordHelp prints the usage when a sub-command's flags ask for help.
func recordHelp(err error, stderr io.Writer) error {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, recordUsage)
		return flag.ErrHelp
	}
	return nil
}

func recordDump(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("record dump", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dataDir := fs.String("data-dir", "", "write data fields to DIR/fld_R_F.tmp instead of summarising them")
	nbis := fs.Bool("nbis", false, "end lines with US (0x1F) exactly as NBIS an2k2txt does")
	validate := fs.Bool("validate", false, "also check the transaction (Type-1 ASCII, IDCs, UTF-8)")
	path, err := recordPositional(fs, args)
	if err != nil {
		if h := recordHelp(err, stderr); h != nil {
			return h
		}
		return err
	}
	in := bufio.NewReaderSize(os.Stdin, 64<<10)
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = bufio.NewReaderSize(f, 64<<10)
	}
	if magic, _ := in.Peek(4); string(magic) == "FIR\x00" || string(magic) == "FAC\x00" {
		b, err := io.ReadAll(in)
		if err != nil {
			return err
		}
		_, err = recordDumpISO(stdout, b)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	tx, err := ansinist.Read(in, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	opts := &ansinist.DumpOptions{NBIS: *nbis}
	if *dataDir != "" {
		opts.Data = writeDataField(*dataDir)
	}
	if err := ansinist.Dump(stdout, tx, opts); err != nil {
		return err
	}
	if *validate {
		if err := tx.Validate(); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// writeDataField writes each data field to dir/fld_R_F.tmp, readable by the owner only
// (the files hold biometric images).
func writeDataField(dir string) ansinist.DataFunc {
	return func(rec, field int, r *ansinist.Record, f *ansinist.Field) (string, error) {
		name := fmt.Sprintf("fld_%d_%d.tmp", rec, field)
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o600); err != nil {
			return "", err
		}
		return name, nil
	}
}

// recordPositional parses flags before or after exactly one positional argument.
func recordPositional(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", err
		}
		return "", recordUsageError(fmt.Sprintf("%s: %v\n%s", fs.Name(), err, recordUsage))
	}
	if fs.NArg() == 0 {
		return "", recordUsageError(fs.Name() + ": missing FILE\n" + recordUsage)
	}
	pos := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return "", recordUsageError(fmt.Sprintf("%s: %v\n%s", fs.Name(), err, recordUsage))
	}
	if fs.NArg() > 0 {
		return "", recordUsageError(fmt.Sprintf("%s: unexpected arguments %q", fs.Name(), fs.Args()))
	}
	return pos, nil
}

// errRecordConfig marks a bad build configuration.
var errRecordConfig = errors.New("record build")
