package desk

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

// startStationAndCentre runs a reference centre over mutual TLS on loopback and opens a
// station outbox that uploads to it, so the browser test's enrollment travels the whole way.
func startStationAndCentre(t *testing.T) (*central.Server, *stsync.Station) {
	t.Helper()
	root := t.TempDir()
	centreDir, stationDir := filepath.Join(root, "centre"), filepath.Join(root, "station")
	if err := pki.InitCentre(centreDir, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pki.InitStation(stationDir, "st-e2e", centreDir, outbox.CreateKeyFile); err != nil {
		t.Fatal(err)
	}
	c, err := pki.LoadCentre(centreDir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := central.New(central.Options{Dir: filepath.Join(centreDir, "store"), Identity: c.Identity, SigningKey: c.SigningKey})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler(), TLSConfig: pki.ServerTLS(c.TLS, c.CA.Cert), ErrorLog: log.New(io.Discard, "", 0)}
	go hs.Serve(tls.NewListener(ln, hs.TLSConfig))
	opt, err := stsync.OptionsFromDir(stationDir, filepath.Join(root, "outbox"), "https://"+ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	opt.SlicePoll = -1
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()); hs.Close(); srv.Close() })
	return srv, st
}
