// Package link is the station's HTTPS client for the centre: mutual TLS 1.3 with the centre's
// CA pinned and a client certificate per station.
//
// PutPacket uploads one sealed packet idempotently (PUT /v1/packets/{id}) with a fresh nonce,
// and returns the centre's receipt only after verifying its signature and that it answers this
// very upload (id, content hash, station, nonce). 201 (created) and 200 (already held, same
// hash) are both success; 409 (same id, different content) is ErrConflict, an alarm the caller
// must not retry blindly. SliceChanges fetches one signed register-slice batch and verifies it.
package link

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/enrolld/enrolld/sync/packet"
)

// Sentinel errors; everything else (network, 5xx, a bad receipt) is transient.
var (
	ErrConflict    = errors.New("link: centre holds a different packet under this id (409)")
	ErrRejected    = errors.New("link: centre rejected the packet")
	ErrBadReceipt  = errors.New("link: receipt did not verify")
	ErrBadBatch    = errors.New("link: slice batch did not verify")
	ErrUnavailable = errors.New("link: centre unavailable")
)

// Protocol constants (mirrored by package central).
const (
	NonceHeader = "Enrolld-Nonce"
	maxResponse = 64 << 20
)

// Options configure a Client.
type Options struct {
	BaseURL   string            // e.g. https://centre.example:8443
	TLS       *tls.Config       // client certificate + pinned CA (see pki.ClientTLS)
	CentreKey ed25519.PublicKey // verifies receipts and slice batches
	StationID string            // this station (its certificate's common name)
	Timeout   time.Duration     // per request, default 60 s
	Transport http.RoundTripper // optional override (tests); TLS is then the transport's business
}

// Client talks to the centre.
type Client struct {
	opt  Options
	http *http.Client
	base *url.URL
}

// New returns a client.
func New(opt Options) (*Client, error) {
	u, err := url.Parse(opt.BaseURL)
	if err != nil || u.Scheme != "https" {
		return nil, fmt.Errorf("link: base URL %q must be https://host:port", opt.BaseURL)
	}
	if len(opt.CentreKey) != ed25519.PublicKeySize || opt.StationID == "" {
		return nil, errors.New("link: CentreKey and StationID are required")
	}
	if opt.Timeout == 0 {
		opt.Timeout = 60 * time.Second
	}
	rt := opt.Transport
	if rt == nil {
		rt = &http.Transport{TLSClientConfig: opt.TLS, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 8,
			IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second}
	}
	return &Client{opt: opt, http: &http.Client{Transport: rt, Timeout: opt.Timeout}, base: u}, nil
}

// CloseIdle drops idle connections.
func (c *Client) CloseIdle() { c.http.CloseIdleConnections() }

// PutPacket uploads a sealed packet and returns the verified receipt and its encoding.
func (c *Client) PutPacket(ctx context.Context, id string, hash [32]byte, sealed []byte) (*packet.Receipt, []byte, error) {
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.base.JoinPath("v1", "packets", id).String(), bytes.NewReader(sealed))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set(NonceHeader, hex.EncodeToString(nonce[:]))
	req.Header.Set("Content-Type", "application/age")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: reading response: %v", ErrUnavailable, err)
	}
	switch {
	case resp.StatusCode == http.StatusConflict:
		return nil, nil, ErrConflict
	case resp.StatusCode == http.StatusUnprocessableEntity || resp.StatusCode == http.StatusBadRequest:
		return nil, nil, fmt.Errorf("%w: %d %s", ErrRejected, resp.StatusCode, firstLine(body))
	case resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK:
		return nil, nil, fmt.Errorf("%w: HTTP %d %s", ErrUnavailable, resp.StatusCode, firstLine(body))
	}
	rc, err := packet.DecodeReceipt(body)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrBadReceipt, err)
	}
	if err := rc.Verify(c.opt.CentreKey, id, hash, c.opt.StationID, nonce); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrBadReceipt, err)
	}
	want := packet.StatusCreated
	if resp.StatusCode == http.StatusOK {
		want = packet.StatusDuplicate
	}
	if rc.Status != want {
		return nil, nil, fmt.Errorf("%w: status %q with HTTP %d", ErrBadReceipt, rc.Status, resp.StatusCode)
	}
	return rc, body, nil
}

// SliceChanges fetches the register-slice batch after cursor since and verifies its signature
// and that it continues from since.
func (c *Client) SliceChanges(ctx context.Context, since string, limit int) (*packet.SliceBatch, error) {
	u := c.base.JoinPath("v1", "slice", "changes")
	q := url.Values{"since": {since}}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: HTTP %d %s", ErrUnavailable, resp.StatusCode, firstLine(body))
	}
	b, err := packet.DecodeSliceBatch(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBatch, err)
	}
	if err := b.Verify(c.opt.CentreKey); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBatch, err)
	}
	if b.Since != since {
		return nil, fmt.Errorf("%w: batch continues from %q, asked from %q", ErrBadBatch, b.Since, since)
	}
	return b, nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
