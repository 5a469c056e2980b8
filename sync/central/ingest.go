package central

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/enrolld/enrolld/sync/packet"
)

// Protocol constants shared with the station's client.
const (
	NonceHeader        = "Enrolld-Nonce"
	ReceiptContentType = "application/vnd.enrolld.receipt"
	SliceContentType   = "application/vnd.enrolld.slice-batch"
	maxUpload          = 256 << 20
)

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

func (s *Server) count(result string) {
	s.mu.Lock()
	s.uploads[result]++
	s.mu.Unlock()
}

// putPacket implements PUT /v1/packets/{id}.
func (s *Server) putPacket(w http.ResponseWriter, r *http.Request) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
		s.count("unauthenticated")
		httpError(w, http.StatusUnauthorized, "a verified client certificate is required")
		return
	}
	cert := r.TLS.VerifiedChains[0][0]
	station := cert.Subject.CommonName
	pub, ok := cert.PublicKey.(ed25519.PublicKey)
	if !ok {
		s.count("bad_certificate")
		httpError(w, http.StatusForbidden, "station certificate must carry an Ed25519 key")
		return
	}
	id := r.PathValue("id")
	var nonce [16]byte
	nb, err := hex.DecodeString(r.Header.Get(NonceHeader))
	if !packet.ValidID(id) || err != nil || len(nb) != 16 {
		s.count("bad_request")
		httpError(w, http.StatusBadRequest, "want a packet id TIMEID-SHA256 and a 16-byte hex "+NonceHeader+" header")
		return
	}
	copy(nonce[:], nb)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxUpload+1))
	if err != nil || len(body) > maxUpload {
		s.count("bad_request")
		httpError(w, http.StatusBadRequest, "body unreadable or too large")
		return
	}
	p, err := packet.Open(body, s.opt.Identity)
	if err == nil {
		err = p.Verify(pub)
	}
	if err == nil && (p.Manifest.ID != id || p.Manifest.StationID != station) {
		err = fmt.Errorf("manifest names packet %q of station %q", p.Manifest.ID, p.Manifest.StationID)
	}
	if err != nil {
		s.count("rejected")
		s.log.Warn("central: rejected packet", "station", station, "err", err)
		httpError(w, http.StatusUnprocessableEntity, "packet rejected: "+err.Error())
		return
	}
	status, code, err := s.store(p, body, station)
	if errors.Is(err, errInProgress) {
		s.count("in_progress")
		httpError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if err != nil {
		s.count("error")
		httpError(w, http.StatusInternalServerError, "storing packet: "+err.Error())
		return
	}
	if code == http.StatusConflict {
		s.count("conflict")
		httpError(w, code, "a different packet with this id is already stored")
		return
	}
	s.count(status)
	rc := packet.Receipt{PacketID: id, ContentHash: p.Manifest.ContentHash, StationID: station, Nonce: nonce,
		Received: time.Now().UTC(), Status: status}
	rc.Sign(s.opt.SigningKey)
	w.Header().Set("Content-Type", ReceiptContentType)
	w.WriteHeader(code)
	w.Write(rc.Encode())
}

// store de-duplicates and durably stores a verified packet. The sealed file is written outside
// the lock (uploads from many stations proceed in parallel); a second upload of an id whose
// first upload is still being written gets 503 and retries.
func (s *Server) store(p *packet.Packet, sealed []byte, station string) (status string, code int, err error) {
	m := &p.Manifest
	s.mu.Lock()
	if old, ok := s.index[m.ID]; ok {
		s.mu.Unlock()
		if old.ContentHash != m.ContentHash || old.StationID != station {
			s.mu.Lock()
			s.conflicts++
			s.mu.Unlock()
			return "", http.StatusConflict, nil
		}
		return packet.StatusDuplicate, http.StatusOK, nil
	}
	if s.pending[m.ID] {
		s.mu.Unlock()
		return "", 0, errInProgress
	}
	s.pending[m.ID] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, m.ID)
		s.mu.Unlock()
	}()
	if err := writeFileSync(filepath.Join(s.opt.Dir, "packets", station), m.ID+".age", sealed); err != nil {
		return "", 0, err
	}
	rec := Record{ID: m.ID, StationID: station, ContentHash: m.ContentHash, Counter: m.Counter,
		PrevHash: m.PrevHash, ChainHash: p.Hash(), Received: time.Now().UTC(), Size: len(sealed)}
	line, _ := json.Marshal(rec)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.index2.Write(append(line, '\n')); err != nil {
		return "", 0, err
	}
	if err := s.index2.Sync(); err != nil {
		return "", 0, err
	}
	s.index[m.ID] = rec
	s.order = append(s.order, m.ID)
	s.stored[m.ID]++
	return packet.StatusCreated, http.StatusCreated, nil
}

var errInProgress = errors.New("central: an upload of this packet is in progress; retry")

func writeFileSync(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(dir, ".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return errors.Join(errors.New("central: write packet"), err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
