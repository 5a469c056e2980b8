package central

import (
	"bytes"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/pki"
)

// TestIngestSurvivesRestart: a stored packet is known after the centre restarts (200, not a
// second copy), and every answer carries a receipt that verifies.
func TestIngestSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	sigPub, sigKey, _ := ed25519.GenerateKey(nil)
	ca, _ := pki.NewCA("ca")
	stPub, stKey, _ := ed25519.GenerateKey(nil)
	certPEM, _ := ca.Issue("st-9", stPub, false)
	cert, _ := pki.ParseCert(certPEM)
	p, _ := packet.Build(packet.Manifest{StationID: "st-9", Created: time.Now(), Counter: 1},
		[]packet.Part{{ContentType: "x", Data: []byte("data")}}, stKey)
	var sealed bytes.Buffer
	packet.Seal(&sealed, p, id.Recipient())

	upload := func(s *Server) (int, *packet.Receipt) {
		req := httptest.NewRequest(http.MethodPut, "/v1/packets/"+p.Manifest.ID, bytes.NewReader(sealed.Bytes()))
		req.Header.Set(NonceHeader, strings.Repeat("01", 16))
		req.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{cert}}}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		rc, err := packet.DecodeReceipt(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("HTTP %d, receipt: %v (%s)", rec.Code, err, rec.Body.String())
		}
		var nonce [16]byte
		for i := range nonce {
			nonce[i] = 1
		}
		if err := rc.Verify(sigPub, p.Manifest.ID, p.Manifest.ContentHash, "st-9", nonce); err != nil {
			t.Fatal(err)
		}
		return rec.Code, rc
	}
	s, err := New(Options{Dir: dir, Identity: id, SigningKey: sigKey})
	if err != nil {
		t.Fatal(err)
	}
	if code, rc := upload(s); code != http.StatusCreated || rc.Status != packet.StatusCreated {
		t.Fatalf("first upload: %d %s", code, rc.Status)
	}
	s.Close()
	s, err = New(Options{Dir: dir, Identity: id, SigningKey: sigKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if code, rc := upload(s); code != http.StatusOK || rc.Status != packet.StatusDuplicate {
		t.Fatalf("after restart: %d %s", code, rc.Status)
	}
	if n := s.StoredCount(p.Manifest.ID); n != 1 {
		t.Fatalf("stored %d times", n)
	}
	req := httptest.NewRequest(http.MethodPut, "/v1/packets/"+p.Manifest.ID, bytes.NewReader(sealed.Bytes()))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("upload without a client certificate: %d", rec.Code)
	}
}
