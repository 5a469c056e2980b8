// Package synctest sets up a real centre (package central over mutual TLS on loopback) and
// the credentials of stations, for tests of the sync layer and of what is built on it
// (the daemon, the desk).
package synctest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

// Env is a running centre plus one enrolled station's credentials.
type Env struct {
	Root       string // temp dir holding everything
	CentreDir  string
	StationDir string
	Centre     *central.Server
	CentreKeys *pki.Centre
	Addr       string // host:port of the centre's TLS listener
	srv        *http.Server
}

// New starts a centre serving slice (nil: empty) and initialises station "st-1".
func New(t testing.TB, slice *central.Slice) *Env {
	t.Helper()
	root := t.TempDir()
	e := &Env{Root: root, CentreDir: filepath.Join(root, "centre"), StationDir: filepath.Join(root, "station")}
	if err := pki.InitCentre(e.CentreDir, []string{"127.0.0.1", "localhost"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pki.InitStation(e.StationDir, "st-1", e.CentreDir, outbox.CreateKeyFile); err != nil {
		t.Fatal(err)
	}
	c, err := pki.LoadCentre(e.CentreDir)
	if err != nil {
		t.Fatal(err)
	}
	e.CentreKeys = c
	e.Centre, err = central.New(central.Options{Dir: filepath.Join(e.CentreDir, "store"), Identity: c.Identity,
		SigningKey: c.SigningKey, Slice: slice})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.Addr = ln.Addr().String()
	e.srv = &http.Server{Handler: e.Centre.Handler(), TLSConfig: pki.ServerTLS(c.TLS, c.CA.Cert),
		ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go e.srv.Serve(tls.NewListener(ln, e.srv.TLSConfig))
	t.Cleanup(func() { e.srv.Close(); e.Centre.Close() })
	return e
}

// StationOptions returns Options for station st-1 with its outbox in dataDir, talking to addr
// ("" means the centre directly; pass a proxy's address to go through it).
func (e *Env) StationOptions(t testing.TB, dataDir, addr string) stsync.Options {
	t.Helper()
	if addr == "" {
		addr = e.Addr
	}
	opt, err := Options(e.StationDir, dataDir, addr)
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

// Options loads a station directory into test-friendly Options (small Badger, fast backoff).
func Options(stationDir, dataDir, addr string) (stsync.Options, error) {
	opt, err := stsync.OptionsFromDir(stationDir, dataDir, "https://"+addr)
	if err != nil {
		return opt, err
	}
	opt.Outbox.ReserveFree, opt.Outbox.BallastSize = 4<<20, 1<<20
	opt.Outbox.ValueLogFileSize, opt.Outbox.MemTableSize = 1<<20, 4<<20
	opt.BackoffBase, opt.BackoffMax = 20*time.Millisecond, 500*time.Millisecond
	opt.SlicePoll, opt.Timeout = -1, 5*time.Second
	return opt, nil
}
