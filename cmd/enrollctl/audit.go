package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

const auditUsage = `usage: enrollctl audit verify --storage.path DIR --credentials DIR   (the daemon stopped)
       enrollctl audit verify --daemon.url URL --user SUPERVISOR        (the daemon running)
       enrollctl audit verify --file EXPORT
  each with [--anchor SEQ:HASH]...

verify checks the desk's hash-chained audit log, which the daemon keeps in its outbox
(DIR/outbox, opened read-only with the station's outbox key from the credentials directory),
or exports to a supervisor (GET /api/v1/desk/audit; the password is read from
$ENROLLCTL_PASSWORD or the first line of stdin), or as an export saved earlier. Every link is
checked: an entry changed, removed or moved is reported with its sequence number (exit 1), and
the chain's end is compared with the head stored beside it, so a tail cut off is caught too.
--anchor checks that the chain passes through a head recorded elsewhere, such as one a packet
carried to the centre.`

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
	storage := fs.String("storage.path", "", "the stopped daemon's state `directory` (its outbox holds the chain)")
	creds := fs.String("credentials", "", "the station's credentials `directory` (sync.credentials; its outbox.key opens the store)")
	daemon := fs.String("daemon.url", "", "base `URL` of the running enrolld")
	user := fs.String("user", "", "supervisor account for --daemon.url")
	file := fs.String("file", "", "an audit export `file` (as GET /api/v1/desk/audit returns it)")
	var anchors anchorList
	fs.Var(&anchors, "anchor", "`SEQ:HASH` the chain must pass through (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: audit verify takes no arguments", errUsage)
	}
	var src string
	var head audit.Head
	var n int
	var err error
	switch {
	case *file != "" && *storage == "" && *daemon == "":
		src = *file
		head, n, err = verifyExportFile(*file, anchors.check)
	case *storage != "" && *daemon == "":
		if *creds == "" {
			return fmt.Errorf("%w: --storage.path needs --credentials (the outbox key)", errUsage)
		}
		src = filepath.Join(*storage, "outbox")
		head, n, err = verifyStore(src, *creds, anchors.check)
	case *daemon != "":
		if *user == "" {
			return fmt.Errorf("%w: --daemon.url needs --user (a supervisor)", errUsage)
		}
		src = *daemon
		head, n, err = verifyDaemon(ctx, *daemon, *user, os.Stdin, anchors.check)
	default:
		fmt.Fprintln(stderr, auditUsage)
		return fmt.Errorf("%w: give one of --storage.path, --daemon.url or --file", errUsage)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (%d entries verified before it)", src, err, n)
	}
	if missing := anchors.unseen(); len(missing) > 0 {
		return fmt.Errorf("%s: %w: the chain (%d entries) does not reach anchor %s", src, audit.ErrTampered, n, missing[0])
	}
	fmt.Fprintf(stdout, "%s: %d entries, chain intact, head %d %s\n", src, n, head.Seq, head.Hash)
	return nil
}

// verifyStore checks the chain in a stopped daemon's outbox, opened read-only.
func verifyStore(dir, creds string, fn func(*audit.Entry) error) (audit.Head, int, error) {
	key, err := outbox.LoadKeyFile(filepath.Join(creds, pki.StationOutboxKey))
	if err != nil {
		return audit.Head{}, 0, err
	}
	s, err := outbox.OpenReadOnly(outbox.Options{Dir: dir, Key: key})
	if err != nil {
		return audit.Head{}, 0, err
	}
	defer s.Close()
	var v audit.Verifier
	var want audit.Head
	err = s.WalkAudit(func(h audit.Head) error { want = h; return nil }, func(e *audit.Entry) error {
		if err := v.Check(e); err != nil {
			return err
		}
		return fn(e)
	})
	if err == nil {
		err = v.End(want)
	}
	return v.Head(), v.Count(), err
}

func verifyExportFile(path string, fn func(*audit.Entry) error) (audit.Head, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return audit.Head{}, 0, err
	}
	defer f.Close()
	return audit.ReadExport(f, fn)
}

// verifyDaemon signs in to the desk as a supervisor, reads the export and signs out.
func verifyDaemon(ctx context.Context, base, user string, stdin io.Reader, fn func(*audit.Entry) error) (audit.Head, int, error) {
	pw := os.Getenv("ENROLLCTL_PASSWORD")
	if pw == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return audit.Head{}, 0, fmt.Errorf("no password: set ENROLLCTL_PASSWORD or give it on stdin")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	base = strings.TrimRight(base, "/")
	hc := &http.Client{Timeout: 10 * time.Minute}
	body, _ := json.Marshal(map[string]string{"user": user, "password": pw})
	resp, err := deskPost(ctx, hc, base+"/api/v1/desk/login", "", "", body)
	if err != nil {
		return audit.Head{}, 0, err
	}
	var me struct{ CSRF string }
	err = json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == "enrolld_desk" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if err != nil || cookie == "" {
		return audit.Head{}, 0, fmt.Errorf("sign-in at %s: no session", base)
	}
	defer func() {
		if r, err := deskPost(context.WithoutCancel(ctx), hc, base+"/api/v1/desk/logout", cookie, me.CSRF, nil); err == nil {
			r.Body.Close()
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/desk/audit", nil)
	if err != nil {
		return audit.Head{}, 0, err
	}
	req.Header.Set("Cookie", cookie)
	resp, err = hc.Do(req)
	if err != nil {
		return audit.Head{}, 0, err
	}
	defer resp.Body.Close()
	if err := deskError(resp); err != nil {
		return audit.Head{}, 0, err
	}
	return audit.ReadExport(resp.Body, fn)
}

func deskPost(ctx context.Context, hc *http.Client, url, cookie, csrf string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if err := deskError(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}

// deskError turns a non-2xx answer into an error with the desk's message.
func deskError(resp *http.Response) error {
	if resp.StatusCode/100 == 2 {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var e struct{ Error string }
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		return fmt.Errorf("%s: HTTP %d: %s", resp.Request.URL.Path, resp.StatusCode, e.Error)
	}
	return fmt.Errorf("%s: HTTP %d", resp.Request.URL.Path, resp.StatusCode)
}

// anchorList is the --anchor flag: heads the chain must pass through.
type anchorList struct {
	heads []audit.Head
	seen  []bool
}

func (a *anchorList) String() string { return fmt.Sprint(a.heads) }

func (a *anchorList) Set(v string) error {
	seq, hash, ok := strings.Cut(v, ":")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil || n == 0 || len(hash) != 64 {
		return fmt.Errorf("anchor %q: want SEQ:HASH (the hash as 64 hex digits)", v)
	}
	a.heads = append(a.heads, audit.Head{Seq: n, Hash: strings.ToLower(hash)})
	a.seen = append(a.seen, false)
	return nil
}

// check compares a verified entry with the anchors at its sequence number.
func (a *anchorList) check(e *audit.Entry) error {
	for i, h := range a.heads {
		if h.Seq != e.Seq {
			continue
		}
		if h.Hash != e.Hash {
			return fmt.Errorf("%w: entry %d differs from anchor %v: the chain was rewritten", audit.ErrTampered, e.Seq, h)
		}
		a.seen[i] = true
	}
	return nil
}

func (a *anchorList) unseen() []audit.Head {
	var out []audit.Head
	for i, h := range a.heads {
		if !a.seen[i] {
			out = append(out, h)
		}
	}
	return out
}
