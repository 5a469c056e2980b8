package sync_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/link"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/pki"
	"github.com/enrolld/enrolld/sync/synctest"
)

// queuedPacket enrolls one packet on an offline station and returns its entry and sealed bytes.
func queuedPacket(t *testing.T, env *synctest.Env) (stsync.Options, outbox.Entry, []byte) {
	t.Helper()
	opt := env.StationOptions(t, t.TempDir(), "")
	off := opt
	off.CentreURL = ""
	st, err := stsync.Open(off)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	id, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rand.New(rand.NewPCG(5, 6)), 500)})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := st.Store().Get(id)
	sealed, err := st.Store().Sealed(e)
	if err != nil {
		t.Fatal(err)
	}
	return opt, e, sealed
}

func put(t *testing.T, cfg *tls.Config, addr, id string, body []byte) (int, error) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
	req, _ := http.NewRequest(http.MethodPut, "https://"+addr+"/v1/packets/"+id, bytes.NewReader(body))
	req.Header.Set(link.NonceHeader, strings.Repeat("ab", 16))
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestCentreRejects(t *testing.T) {
	env := synctest.New(t, nil)
	opt, e, sealed := queuedPacket(t, env)

	tampered := bytes.Clone(sealed)
	tampered[len(tampered)/2] ^= 0x40
	if code, err := put(t, opt.TLS, env.Addr, e.ID, tampered); err != nil || code != http.StatusUnprocessableEntity {
		t.Errorf("tampered packet: %d %v, want 422", code, err)
	}
	otherID := e.ID[:33] + strings.Repeat("0", 64)
	if code, _ := put(t, opt.TLS, env.Addr, otherID, sealed); code != http.StatusUnprocessableEntity {
		t.Errorf("packet under another id: %d, want 422", code)
	}
	if code, _ := put(t, opt.TLS, env.Addr, e.ID, sealed); code != http.StatusCreated {
		t.Errorf("genuine packet: %d, want 201", code)
	}
	if code, _ := put(t, opt.TLS, env.Addr, e.ID, sealed); code != http.StatusOK {
		t.Errorf("same packet again: %d, want 200", code)
	}

	// A packet signed by another key but uploaded with st-1's certificate.
	_, otherKey, _ := ed25519.GenerateKey(nil)
	p, _ := packet.Build(packet.Manifest{StationID: "st-1", Created: time.Now()}, []packet.Part{{ContentType: "x", Data: []byte("y")}}, otherKey)
	var buf bytes.Buffer
	packet.Seal(&buf, p, env.CentreKeys.Identity.Recipient())
	if code, _ := put(t, opt.TLS, env.Addr, p.Manifest.ID, buf.Bytes()); code != http.StatusUnprocessableEntity {
		t.Errorf("foreign signature: %d, want 422", code)
	}

	// A station certificate from a CA the centre does not trust.
	foreign, _ := pki.NewCA("foreign")
	_, k, _ := ed25519.GenerateKey(nil)
	certPEM, _ := foreign.Issue("st-1", k.Public().(ed25519.PublicKey), false)
	kp, _ := pki.KeyPair(certPEM, pki.KeyPEM(k))
	wrongCert := pki.ClientTLS(kp, env.CentreKeys.CA.Cert, "127.0.0.1")
	if code, err := put(t, wrongCert, env.Addr, e.ID, sealed); err == nil {
		t.Errorf("wrong station certificate accepted: HTTP %d", code)
	}
	// The station pins another CA than the one that issued the centre's certificate.
	foreignPin := pki.ClientTLS(opt.TLS.Certificates[0], foreign.Cert, "127.0.0.1")
	if _, err := put(t, foreignPin, env.Addr, e.ID, sealed); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("foreign CA: err = %v, want a certificate error", err)
	}
	if n := env.Centre.StoredCount(e.ID); n != 1 {
		t.Errorf("stored %d times", n)
	}
}

// fakeCentre serves handler with the centre's TLS identity.
func fakeCentre(t *testing.T, env *synctest.Env, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(tls.NewListener(ln, pki.ServerTLS(env.CentreKeys.TLS, env.CentreKeys.CA.Cert)))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestReplayedReceiptRejected(t *testing.T) {
	env := synctest.New(t, nil)
	var replay atomic.Pointer[[]byte]
	var replays atomic.Int32
	addr := fakeCentre(t, env, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := replay.Load()
		if b == nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		replays.Add(1)
		w.WriteHeader(http.StatusCreated)
		w.Write(*b)
	}))
	opt := env.StationOptions(t, t.TempDir(), addr)
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	id, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rand.New(rand.NewPCG(1, 1)), 100)})
	if err != nil {
		t.Fatal(err)
	}
	// A genuine receipt for this very packet, signed by the real centre key, but from an
	// earlier upload: its nonce is not the one the station sends now.
	old := packet.Receipt{PacketID: id, ContentHash: mustGet(t, st, id).ContentHash, StationID: "st-1", Received: time.Now(), Status: packet.StatusCreated}
	old.Sign(env.CentreKeys.SigningKey)
	enc := old.Encode()
	replay.Store(&enc)
	st.Kick()
	waitFor(t, "a few replayed receipts", 10*time.Second, func() bool { return replays.Load() >= 3 })
	got := mustGet(t, st, id)
	if got.State == outbox.Acknowledged || len(got.Receipt) != 0 {
		t.Fatalf("replayed receipt accepted: state %s", got.State)
	}
	if !strings.Contains(got.LastError, "nonce") {
		t.Fatalf("last error %q does not name the nonce", got.LastError)
	}
}

func mustGet(t *testing.T, st *stsync.Station, id string) outbox.Entry {
	t.Helper()
	e, err := st.Store().Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestBadSliceSignatureKeepsOldSlice(t *testing.T) {
	env := synctest.New(t, central.SyntheticSlice(10, 1, 1))
	// A second centre process with the same TLS identity but another signing key.
	_, wrongKey, _ := ed25519.GenerateKey(nil)
	evil, err := central.New(central.Options{Dir: t.TempDir(), Identity: env.CentreKeys.Identity, SigningKey: wrongKey,
		Slice: central.SyntheticSlice(10, 1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	good := env.StationOptions(t, t.TempDir(), "")
	g := &fakeGallery{persons: map[string]map[int][]byte{}}
	good.Gallery = g
	st, err := stsync.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PullSlice(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.Close(context.Background())
	bad := good
	bad.CentreURL = "https://" + fakeCentre(t, env, evil.Handler())
	st, err = stsync.Open(bad)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	before, _ := st.Store().SliceCursor()
	if _, err := st.PullSlice(context.Background()); !errors.Is(err, link.ErrBadBatch) {
		t.Fatalf("forged batch: %v", err)
	}
	after, _ := st.Store().SliceCursor()
	if before != after || len(g.persons) != 10 {
		t.Fatalf("forged batch changed the slice: cursor %q→%q, %d persons", before, after, len(g.persons))
	}
	for id := range g.persons {
		if !strings.HasPrefix(id, "SYN-1-") {
			t.Fatalf("forged person %s in gallery", id)
		}
	}
}

// TestConflictIsAnAlarmNotRetried: a 409 puts the packet in the conflict state and the station
// does not upload it again until an operator asks for a retry.
func TestConflictIsAnAlarmNotRetried(t *testing.T) {
	env := synctest.New(t, nil)
	var hits atomic.Int32
	addr := fakeCentre(t, env, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "different packet under this id", http.StatusConflict)
	}))
	st, err := stsync.Open(env.StationOptions(t, t.TempDir(), addr))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	id, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rand.New(rand.NewPCG(2, 2)), 100)})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the conflict", 5*time.Second, func() bool { return mustGet(t, st, id).State == outbox.Conflict })
	time.Sleep(300 * time.Millisecond) // several backoff periods
	if n := hits.Load(); n != 1 {
		t.Fatalf("a 409 was retried: %d uploads", n)
	}
	if err := st.Store().Retry(id); err != nil {
		t.Fatal(err)
	}
	st.Kick()
	waitFor(t, "the operator's retry", 5*time.Second, func() bool { return hits.Load() == 2 })
}
