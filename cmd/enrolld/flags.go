package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// flags are the command-line flags, named in the Prometheus style. Flags that
// repeat a configuration setting override it.
type flags struct {
	configFile      string
	listenAddress   string
	storagePath     string
	logLevel        string
	logFormat       string
	shutdownTimeout time.Duration
	checkConfig     bool
	version         bool
	set             map[string]bool // flags given on the command line
}

// parseFlags parses args; it returns flag.ErrHelp for -h and an error for bad flags.
func parseFlags(args []string, stderr io.Writer) (*flags, error) {
	f := &flags{set: map[string]bool{}}
	fs := flag.NewFlagSet("enrolld", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.configFile, "config.file", "/etc/enrolld/enrolld.yaml", "configuration `file` (YAML)")
	fs.StringVar(&f.listenAddress, "web.listen-address", "", "`host:port` for the API, health checks and /metrics (overrides web.listen_address; default "+defaultListenAddress+")")
	fs.StringVar(&f.storagePath, "storage.path", "", "state `directory` (overrides storage.path; default "+defaultStoragePath+")")
	fs.StringVar(&f.logLevel, "log.level", "", "log `level`: debug, info, warn, error (overrides log.level; default info)")
	fs.StringVar(&f.logFormat, "log.format", "", "log `format`: json, logfmt or text (overrides log.format; default JSON, or text on a terminal)")
	fs.DurationVar(&f.shutdownTimeout, "shutdown.timeout", 15*time.Second, "how long to drain requests and halt devices on SIGTERM")
	fs.BoolVar(&f.checkConfig, "config.check", false, "validate the configuration file and exit (status 0 when valid, 2 when not)")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	fs.Usage = func() { printUsage(fs) }
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("unexpected argument %q (enrolld takes only flags)", fs.Arg(0))
	}
	if f.shutdownTimeout <= 0 {
		return nil, fmt.Errorf("--shutdown.timeout must be positive, not %s", f.shutdownTimeout)
	}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	return f, nil
}

// override applies the flags given on the command line to cfg and records, for the
// validation messages, which settings came from a flag.
func (f *flags) override(cfg *config, origin map[string]string) {
	apply := func(name, path string, dst *string, v string) {
		if f.set[name] {
			*dst = v
			origin[path] = "--" + name
		}
	}
	apply("web.listen-address", "web.listen_address", &cfg.Web.ListenAddress, f.listenAddress)
	apply("storage.path", "storage.path", &cfg.Storage.Path, f.storagePath)
	apply("log.level", "log.level", &cfg.Log.Level, f.logLevel)
	apply("log.format", "log.format", &cfg.Log.Format, f.logFormat)
}

// printUsage prints the flags in the --name form enrolld documents.
func printUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage: enrolld [flags]\n\nThe enrollment station daemon. See README.md.\n\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		arg, help := flag.UnquoteUsage(f)
		if arg != "" {
			arg = "=" + strings.ToUpper(arg)
		}
		fmt.Fprintf(w, "  --%s%s\n    \t%s", f.Name, arg, help)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}
