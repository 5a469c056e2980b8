package pki

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
)

// ServerTLS returns the centre's TLS 1.3 configuration: its certificate, and client
// certificates required and verified against the station CA.
func ServerTLS(cert tls.Certificate, stationCA *x509.Certificate) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(stationCA)
	return &tls.Config{
		MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{cert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool,
	}
}

// ClientTLS returns a station's TLS 1.3 configuration: its client certificate and the centre's
// CA pinned as the only root.
func ClientTLS(cert tls.Certificate, centreCA *x509.Certificate, serverName string) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(centreCA)
	return &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{cert}, RootCAs: pool, ServerName: serverName}
}

// KeyPair builds a tls.Certificate from PEM certificate and key.
func KeyPair(certPEM, keyPEM []byte) (tls.Certificate, error) {
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return c, fmt.Errorf("pki: key pair: %w", err)
	}
	return c, nil
}
