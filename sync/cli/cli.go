// Package cli implements the sync sub-commands of enrollctl: `queue list|show|retry`, which
// talk to a running daemon's queue API, and `keys init`, which makes a station's keys.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

// DefaultDaemonURL is where enrolld listens by default.
const DefaultDaemonURL = "http://127.0.0.1:9464"

// ErrUsage reports a malformed command line.
var ErrUsage = errors.New("usage")

const queueUsage = `usage: enrollctl queue [--daemon.url URL] [--json] list [--state STATE] [--limit N]
       enrollctl queue [--daemon.url URL] [--json] show PACKET-ID
       enrollctl queue [--daemon.url URL] [--json] retry PACKET-ID
       enrollctl queue [--daemon.url URL] [--json] status`

// RunQueue implements `enrollctl queue`.
func RunQueue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("queue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	daemon := fs.String("daemon.url", DefaultDaemonURL, "base URL of the running enrolld")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	fs.Usage = func() { fmt.Fprintln(stderr, queueUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: queue needs a sub-command", ErrUsage)
	}
	c := &client{base: strings.TrimRight(*daemon, "/"), http: &http.Client{Timeout: 30 * time.Second}}
	switch rest[0] {
	case "list":
		sub := flag.NewFlagSet("queue list", flag.ContinueOnError)
		sub.SetOutput(stderr)
		state := sub.String("state", "", "only this state: "+statesList())
		limit := sub.Int("limit", 100, "at most this many")
		if err := sub.Parse(rest[1:]); err != nil {
			return err
		}
		var items []stsync.QueueItem
		q := url.Values{"state": {*state}, "limit": {fmt.Sprint(*limit)}}
		if err := c.do(ctx, http.MethodGet, "/api/v1/queue?"+q.Encode(), &items); err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(items)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tCOUNTER\tBYTES\tATTEMPTS\tCREATED\tLAST ERROR")
		for _, it := range items {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", it.ID, it.State, it.Counter, it.SealedBytes, it.Attempts,
				it.Created.Local().Format(time.DateTime), it.LastError)
		}
		return tw.Flush()
	case "show", "retry":
		if len(rest) != 2 {
			return fmt.Errorf("%w: queue %s PACKET-ID", ErrUsage, rest[0])
		}
		var it stsync.QueueItem
		method, path := http.MethodGet, "/api/v1/queue/"+url.PathEscape(rest[1])
		if rest[0] == "retry" {
			method, path = http.MethodPost, path+"/retry"
		}
		if err := c.do(ctx, method, path, &it); err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(it)
		}
		b, _ := json.MarshalIndent(it, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return nil
	case "status":
		var s stsync.SyncStatus
		if err := c.do(ctx, http.MethodGet, "/api/v1/sync", &s); err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(s)
		}
		accepting := "accepting enrollments"
		if !s.Accepting {
			accepting = "REFUSING enrollments: " + s.Refusal
		}
		fmt.Fprintf(stdout, "%s\nqueue: %v\nslice cursor: %q\nfree bytes: %d, storage ok: %v\n", accepting, s.Queue, s.SliceCursor, s.FreeBytes, s.StorageOK)
		return nil
	}
	fs.Usage()
	return fmt.Errorf("%w: unknown queue sub-command %q", ErrUsage, rest[0])
}

func statesList() string {
	var s []string
	for _, st := range outbox.States {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

type client struct {
	base string
	http *http.Client
}

func (c *client) do(ctx context.Context, method, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("daemon at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("daemon: %s", e.Error)
		}
		return fmt.Errorf("daemon: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return json.Unmarshal(body, out)
}

const keysUsage = `usage: enrollctl keys init --dir DIR --station-id ID [--centre-dir DIR]

Makes a station's keys in DIR: station.key (Ed25519, TLS and packet signing), station.csr,
outbox.key (the 32-byte at-rest key of the outbox, mode 0600). With --centre-dir it copies the
centre's CA certificate, signing key and age recipient, and, when the centre's CA key is
readable there (a demo on one machine), issues station.crt directly. Otherwise send station.csr
to the centre (enroll-central issue --csr station.csr --out station.crt) and place the
certificate in DIR. Existing files are never overwritten.`

// RunKeys implements `enrollctl keys`.
func RunKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "init" {
		fmt.Fprintln(stderr, keysUsage)
		return fmt.Errorf("%w: keys init", ErrUsage)
	}
	fs := flag.NewFlagSet("keys init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "station key directory to create")
	id := fs.String("station-id", "", "station id (becomes the certificate's common name)")
	centre := fs.String("centre-dir", "", "centre directory to copy public material from (and, for a demo, to issue the certificate)")
	fs.Usage = func() { fmt.Fprintln(stderr, keysUsage); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dir == "" || *id == "" {
		fs.Usage()
		return fmt.Errorf("%w: --dir and --station-id are required", ErrUsage)
	}
	issued, err := pki.InitStation(*dir, *id, *centre, outbox.CreateKeyFile)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "station %q keys written to %s\n", *id, *dir)
	if issued {
		fmt.Fprintln(stdout, "station.crt issued by the centre's CA (demo)")
	} else {
		fmt.Fprintln(stdout, "next: have the centre sign station.csr and save the certificate as station.crt")
	}
	return nil
}
