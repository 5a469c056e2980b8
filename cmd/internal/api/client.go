package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ErrDaemon is wrapped by errors the daemon answered with (as opposed to network
// errors reaching it).
var ErrDaemon = errors.New("api: daemon answered with an error")

// Client talks to a running enrolld.
type Client struct {
	// BaseURL is the daemon's address, such as "http://127.0.0.1:9464".
	BaseURL string
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
}

// Status fetches GET /api/v1/status.
func (c *Client) Status(ctx context.Context) (*Status, error) {
	var s Status
	if err := c.Get(ctx, PathStatus, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Devices fetches GET /api/v1/devices.
func (c *Client) Devices(ctx context.Context) (*Devices, error) {
	var d Devices
	if err := c.Get(ctx, PathDevices, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Get fetches path and decodes its JSON answer into v.
func (c *Client) Get(ctx context.Context, path string, v any) error {
	url := strings.TrimRight(c.BaseURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("api: is enrolld running at %s? %w", c.BaseURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("api: reading %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e Error
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("%w: %s: %s", ErrDaemon, resp.Status, e.Error)
		}
		return fmt.Errorf("%w: %s: %s", ErrDaemon, resp.Status, strings.TrimSpace(string(body)))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("api: %s answered with something that is not the expected JSON: %w", url, err)
	}
	return nil
}
