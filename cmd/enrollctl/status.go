package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/enrolld/enrolld/cmd/internal/api"
	"github.com/enrolld/enrolld/drivers"
)

// defaultDaemonURL is where enrolld listens unless configured otherwise.
const defaultDaemonURL = "http://127.0.0.1:9464"

// daemonFlags are the flags of every sub-command that talks to a running daemon.
type daemonFlags struct {
	url     string
	json    bool
	timeout time.Duration
}

// register adds --daemon.url (default $ENROLLD_URL, else the daemon's default
// address), --json and --timeout to fs.
func (d *daemonFlags) register(fs *flag.FlagSet) {
	def := os.Getenv("ENROLLD_URL")
	if def == "" {
		def = defaultDaemonURL
	}
	fs.StringVar(&d.url, "daemon.url", def, "enrolld's `URL` (default from $ENROLLD_URL)")
	fs.BoolVar(&d.json, "json", false, "print the daemon's JSON answer, for scripts")
	fs.DurationVar(&d.timeout, "timeout", 10*time.Second, "how long to wait for the daemon")
}

// fetch gets path from the daemon and returns the raw JSON.
func (d *daemonFlags) fetch(ctx context.Context, path string) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	var raw json.RawMessage
	c := &api.Client{BaseURL: d.url}
	if err := c.Get(ctx, path, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// printJSON writes raw indented.
func printJSON(w io.Writer, raw json.RawMessage) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// runStatus implements "enrollctl status".
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var d daemonFlags
	fs := newFlagSet("status", "[--daemon.url=URL] [--json]", stderr)
	d.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("status takes no arguments")
	}
	raw, err := d.fetch(ctx, api.PathStatus)
	if err != nil {
		return err
	}
	if d.json {
		return printJSON(stdout, raw)
	}
	var st api.Status
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("the daemon's status is not what this enrollctl expects: %w", err)
	}
	return writeStatus(stdout, &st)
}

// writeStatus prints st for a person.
func writeStatus(w io.Writer, st *api.Status) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	station := st.Station.ID
	if st.Station.Name != "" {
		station += " (" + st.Station.Name + ")"
	}
	ready := "yes"
	if !st.Ready {
		ready = "no: " + st.NotReady
	}
	fmt.Fprintf(tw, "station\t%s\n", station)
	fmt.Fprintf(tw, "ready\t%s\n", ready)
	fmt.Fprintf(tw, "version\t%s (revision %s, %s)\n", st.Build.Version, st.Build.Revision, st.Build.GoVersion)
	fmt.Fprintf(tw, "uptime\t%s\n", (time.Duration(st.Uptime) * time.Second).Round(time.Second))
	fmt.Fprintf(tw, "storage\t%s\n", st.StoragePath)
	fmt.Fprintf(tw, "devices\t%d loaded, %d skipped, %d failed, %d pending\n",
		st.Devices[drivers.StateLoaded], st.Devices[drivers.StateSkipped],
		st.Devices[drivers.StateFailed], st.Devices[drivers.StatePending])
	drv := strings.Join(st.Drivers, ", ")
	if drv == "" {
		drv = "none"
	}
	fmt.Fprintf(tw, "drivers\t%s\n", drv)
	if st.LastReloadError != "" {
		fmt.Fprintf(tw, "last reload\tFAILED: %s\n", firstLine(st.LastReloadError))
	} else if !st.LastReload.IsZero() {
		fmt.Fprintf(tw, "last reload\t%s\n", st.LastReload.Local().Format(time.DateTime))
	}
	return tw.Flush()
}

// runDevices implements "enrollctl devices".
func runDevices(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var d daemonFlags
	fs := newFlagSet("devices", "[--daemon.url=URL] [--json]", stderr)
	d.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("devices takes no arguments")
	}
	raw, err := d.fetch(ctx, api.PathDevices)
	if err != nil {
		return err
	}
	if d.json {
		return printJSON(stdout, raw)
	}
	var list api.Devices
	if err := json.Unmarshal(raw, &list); err != nil {
		return fmt.Errorf("the daemon's device list is not what this enrollctl expects: %w", err)
	}
	return writeDevices(stdout, list.Devices)
}

// writeDevices prints one line per device.
func writeDevices(w io.Writer, devs []drivers.DeviceStatus) error {
	if len(devs) == 0 {
		_, err := fmt.Fprintln(w, "no devices configured")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tDRIVER\tSTATE\tMODEL\tDETAIL")
	for _, s := range devs {
		model, detail := "-", s.Reason
		if s.Info != nil && s.Info.Model != "" {
			model = s.Info.Model
		}
		if s.Emulated {
			detail = strings.TrimSpace("emulated " + detail)
		}
		if detail == "" && s.Info != nil {
			detail = s.Info.Path
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Kind, s.Driver, s.State, model, detail)
	}
	return tw.Flush()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
