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
	"net/url"
	"os"
	"strings"
)

// hasFlag reports whether args set the boolean flag name (-name, --name, --name=true).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || a == name+"=true" {
			return true
		}
	}
	return false
}

// applyLine is one line of the daemon's apply stream.
type applyLine struct {
	Phase  string `json:"phase"`
	Done   int    `json:"done"`
	Total  int    `json:"total"`
	Result string `json:"result"`
	Error  string `json:"error"`
}

// fwApplyDaemon sends the bundle to the daemon's firmware API and draws its progress.
func fwApplyDaemon(ctx context.Context, fs *flag.FlagSet, args []string, d *daemonFlags, device, serial *string, stdout, stderr io.Writer) error {
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *device == "" {
		return usageErrorf("%s", firmwareUsage)
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	q := url.Values{"device": {*device}}
	if *serial != "" {
		q.Set("serial", *serial)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		strings.TrimRight(d.url, "/")+"/api/v1/firmware/apply?"+q.Encode(), bytes.NewReader(raw))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the daemon at %s: %w", d.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var l applyLine
		_ = json.NewDecoder(resp.Body).Decode(&l)
		return fmt.Errorf("daemon refused the update (%s): %s", resp.Status, l.Error)
	}
	return followApply(resp.Body, stdout, stderr)
}

// followApply draws the progress lines and returns the final result.
func followApply(r io.Reader, stdout, stderr io.Writer) error {
	bar := newProgressBar(stderr)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var l applyLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			continue
		}
		switch l.Result {
		case "success":
			bar.done()
			fmt.Fprintln(stdout, "firmware updated")
			return nil
		case "error":
			bar.done()
			return errors.New(l.Error)
		}
		bar.update(l.Phase, l.Done, l.Total)
	}
	bar.done()
	return fmt.Errorf("the daemon's answer ended before the result: %v", sc.Err())
}
