// Command enroll-central is the reference central endpoint for development, demos and tests:
// mutual-TLS ingest of stations' sealed packets with de-duplication and signed receipts, a
// register slice served as signed delta batches (generated synthetically or loaded from a
// folder), and a small admin view. The protocol is documented in sync/api/openapi.yaml.
//
//	enroll-central init  --dir DIR [--hosts 127.0.0.1,localhost]
//	enroll-central issue --dir DIR --csr station.csr --out station.crt
//	enroll-central serve --dir DIR [--web.listen-address :8443] [--admin.listen-address 127.0.0.1:8480]
//	                     [--slice.synthetic N --slice.fingers F --slice.seed S | --slice.folder DIR]
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/pki"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "enroll-central:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: enroll-central init|issue|serve [flags] (see -h)")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "init":
		return runInit(args[1:], stdout, stderr)
	case "issue":
		return runIssue(args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("%w (unknown command %q)", errUsage, args[0])
}

func runInit(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "centre directory to create")
	hosts := fs.String("hosts", "127.0.0.1,localhost", "comma-separated names and addresses for the server certificate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("%w: init needs --dir", errUsage)
	}
	if err := pki.InitCentre(*dir, strings.Split(*hosts, ",")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "centre keys written to %s\n", *dir)
	return nil
}

func runIssue(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "centre directory")
	csr := fs.String("csr", "", "station certificate request (PEM)")
	out := fs.String("out", "", "where to write the station certificate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *csr == "" || *out == "" {
		return fmt.Errorf("%w: issue needs --dir, --csr and --out", errUsage)
	}
	ca, err := pki.LoadCA(filepath.Join(*dir, pki.CentreCACert), filepath.Join(*dir, pki.CentreCAKey))
	if err != nil {
		return err
	}
	req, err := os.ReadFile(*csr)
	if err != nil {
		return err
	}
	cert, err := ca.IssueFromCSR(req)
	if err != nil {
		return err
	}
	if err := pki.WriteFile(*out, cert, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "station certificate written to %s\n", *out)
	return nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "centre directory (keys; received packets go to DIR/store)")
	listen := fs.String("web.listen-address", ":8443", "mutual-TLS listen address for stations")
	admin := fs.String("admin.listen-address", "127.0.0.1:8480", "plain-HTTP admin view (empty disables)")
	synthetic := fs.Int("slice.synthetic", 0, "serve a synthetic register slice of N persons")
	fingers := fs.Int("slice.fingers", 2, "fingers per synthetic person (1-10)")
	seed := fs.Uint64("slice.seed", 1, "seed of the synthetic slice")
	folder := fs.String("slice.folder", "", "serve the persons in DIR/<subject>/<position>.fmr")
	batch := fs.Int("slice.batch", 200, "persons per slice batch")
	level := fs.String("log.level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("%w: serve needs --dir", errUsage)
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("%w: --log.level: %v", errUsage, err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lv}))
	keys, err := pki.LoadCentre(*dir)
	if err != nil {
		return err
	}
	slice := central.NewSlice()
	switch {
	case *folder != "" && *synthetic > 0:
		return fmt.Errorf("%w: --slice.folder and --slice.synthetic exclude each other", errUsage)
	case *folder != "":
		if slice, err = central.LoadSliceFolder(*folder); err != nil {
			return err
		}
	case *synthetic > 0:
		slice = central.SyntheticSlice(*synthetic, *fingers, *seed)
	}
	srv, err := central.New(central.Options{Dir: filepath.Join(*dir, "store"), Identity: keys.Identity,
		SigningKey: keys.SigningKey, Slice: slice, MaxBatch: *batch, Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), TLSConfig: pki.ServerTLS(keys.TLS, keys.CA.Cert), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(tls.NewListener(ln, hs.TLSConfig))
	persons, _ := slice.Len()
	log.Info("enroll-central serving", "address", ln.Addr().String(), "slice_persons", persons)
	fmt.Fprintf(stdout, "enroll-central: stations connect to https://%s\n", ln.Addr())
	var as *http.Server
	if *admin != "" {
		aln, err := net.Listen("tcp", *admin)
		if err != nil {
			return err
		}
		as = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go as.Serve(aln)
		fmt.Fprintf(stdout, "enroll-central: admin view at http://%s/admin\n", aln.Addr())
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if as != nil {
		as.Shutdown(sctx)
	}
	return hs.Shutdown(sctx)
}
