package pki

import (
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// File names of a centre directory (made by `enroll-central init`).
const (
	CentreCACert    = "ca.crt"
	CentreCAKey     = "ca.key"
	CentreCert      = "server.crt"
	CentreKey       = "server.key"
	CentreSignKey   = "signing.key"
	CentreSignPub   = "signing.pub"
	CentreIdentity  = "identity.age"
	CentreRecipient = "recipient.age"
)

// File names of a station directory (made by `enrollctl keys init`).
const (
	StationKey       = "station.key"
	StationCSR       = "station.csr"
	StationCert      = "station.crt"
	StationOutboxKey = "outbox.key"
	StationCentreCA  = "centre-ca.crt"
	StationCentreSig = "centre-signing.pub"
	StationRecipient = "centre-recipient.age"
)

// InitCentre creates a centre directory: CA, server certificate for hosts, signing key and age
// identity. It refuses to overwrite existing files.
func InitCentre(dir string, hosts []string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ca, err := NewCA("enroll-central CA")
	if err != nil {
		return err
	}
	_, srvKey, _ := ed25519.GenerateKey(nil)
	srvCert, err := ca.Issue("enroll-central", srvKey.Public().(ed25519.PublicKey), true, hosts...)
	if err != nil {
		return err
	}
	sigPub, sigKey, _ := ed25519.GenerateKey(nil)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
		perm os.FileMode
	}{
		{CentreCACert, ca.CertPEM(), 0o644}, {CentreCAKey, KeyPEM(ca.Key), 0o600},
		{CentreCert, srvCert, 0o644}, {CentreKey, KeyPEM(srvKey), 0o600},
		{CentreSignKey, KeyPEM(sigKey), 0o600}, {CentreSignPub, PublicKeyPEM(sigPub), 0o644},
		{CentreIdentity, []byte(id.String() + "\n"), 0o600}, {CentreRecipient, []byte(id.Recipient().String() + "\n"), 0o644},
	}
	for _, f := range files {
		if err := WriteFile(filepath.Join(dir, f.name), f.data, f.perm); err != nil {
			return fmt.Errorf("pki: init centre: %w", err)
		}
	}
	return nil
}

// Centre is a loaded centre directory.
type Centre struct {
	CA         *CA
	TLS        tls.Certificate
	SigningKey ed25519.PrivateKey
	Identity   *age.X25519Identity
}

// LoadCentre reads a centre directory.
func LoadCentre(dir string) (*Centre, error) {
	ca, err := LoadCA(filepath.Join(dir, CentreCACert), filepath.Join(dir, CentreCAKey))
	if err != nil {
		return nil, fmt.Errorf("pki: centre: %w", err)
	}
	c := &Centre{CA: ca}
	cb, err1 := os.ReadFile(filepath.Join(dir, CentreCert))
	kb, err2 := os.ReadFile(filepath.Join(dir, CentreKey))
	sb, err3 := os.ReadFile(filepath.Join(dir, CentreSignKey))
	ib, err4 := os.ReadFile(filepath.Join(dir, CentreIdentity))
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, fmt.Errorf("pki: centre: %w", err)
	}
	if c.TLS, err = KeyPair(cb, kb); err != nil {
		return nil, err
	}
	if c.SigningKey, err = ParseKey(sb); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", CentreSignKey, err)
	}
	if c.Identity, err = age.ParseX25519Identity(strings.TrimSpace(string(ib))); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", CentreIdentity, err)
	}
	return c, nil
}

// InitStation creates a station directory: the station key, its CSR, the outbox key file (via
// makeOutboxKey), and copies of the centre's public material from centreDir. When the centre's
// CA key is readable there (a demo on one machine), it also issues the station certificate.
func InitStation(dir, stationID, centreDir string, makeOutboxKey func(path string) error) (issued bool, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	_, key, _ := ed25519.GenerateKey(nil)
	csr, err := CSR(stationID, key)
	if err != nil {
		return false, err
	}
	if err := WriteFile(filepath.Join(dir, StationKey), KeyPEM(key), 0o600); err != nil {
		return false, fmt.Errorf("pki: init station: %w", err)
	}
	if err := WriteFile(filepath.Join(dir, StationCSR), csr, 0o644); err != nil {
		return false, err
	}
	if err := makeOutboxKey(filepath.Join(dir, StationOutboxKey)); err != nil {
		return false, err
	}
	if centreDir == "" {
		return false, nil
	}
	for src, dst := range map[string]string{CentreCACert: StationCentreCA, CentreSignPub: StationCentreSig, CentreRecipient: StationRecipient} {
		b, err := os.ReadFile(filepath.Join(centreDir, src))
		if err != nil {
			return false, fmt.Errorf("pki: init station: centre material: %w", err)
		}
		if err := WriteFile(filepath.Join(dir, dst), b, 0o644); err != nil {
			return false, err
		}
	}
	ca, err := LoadCA(filepath.Join(centreDir, CentreCACert), filepath.Join(centreDir, CentreCAKey))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	cert, err := ca.IssueFromCSR(csr)
	if err != nil {
		return false, err
	}
	return true, WriteFile(filepath.Join(dir, StationCert), cert, 0o644)
}

// Station is a loaded station directory.
type Station struct {
	ID            string // the certificate's common name
	Key           ed25519.PrivateKey
	TLS           tls.Certificate
	CentreCA      *x509.Certificate
	CentreKey     ed25519.PublicKey
	Recipient     *age.X25519Recipient
	OutboxKeyFile string
}

// LoadStation reads a station directory (it must hold the issued certificate).
func LoadStation(dir string) (*Station, error) {
	var err error
	read := func(name string) []byte {
		b, e := os.ReadFile(filepath.Join(dir, name))
		if e != nil && err == nil {
			err = fmt.Errorf("pki: station: %w", e)
		}
		return b
	}
	kb, cb, cab, sb, rb := read(StationKey), read(StationCert), read(StationCentreCA), read(StationCentreSig), read(StationRecipient)
	if err != nil {
		return nil, err
	}
	s := &Station{OutboxKeyFile: filepath.Join(dir, StationOutboxKey)}
	if s.Key, err = ParseKey(kb); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", StationKey, err)
	}
	if s.TLS, err = KeyPair(cb, kb); err != nil {
		return nil, err
	}
	leaf, err := ParseCert(cb)
	if err != nil {
		return nil, err
	}
	s.ID = leaf.Subject.CommonName
	if s.CentreCA, err = ParseCert(cab); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", StationCentreCA, err)
	}
	if s.CentreKey, err = ParsePublicKey(sb); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", StationCentreSig, err)
	}
	if s.Recipient, err = age.ParseX25519Recipient(strings.TrimSpace(string(rb))); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", StationRecipient, err)
	}
	return s, nil
}
