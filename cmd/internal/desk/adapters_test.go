package desk

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/capture/enroll"
	"github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
)

// TestStationOutbox commits through a real (offline) sync.Station and opens the sealed
// packet: the transaction and the audit log's head are its parts.
func TestStationOutbox(t *testing.T) {
	dir := t.TempDir()
	st, id := openStation(t, dir)
	alog, err := audit.Open(filepath.Join(dir, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer alog.Close()
	if err := alog.Append(&audit.Entry{Actor: "olga", Role: "officer", Action: "commit-requested", Case: "202611200001"}); err != nil {
		t.Fatal(err)
	}
	ob := StationOutbox(st, alog.Head)
	pid, err := ob.Commit(context.Background(), enroll.Packet{OperatorID: "olga", ContentType: "application/vnd.ansi-nist-itl", Transaction: []byte("TX")})
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.Store().Get(pid)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := st.Store().Sealed(e)
	if err != nil {
		t.Fatal(err)
	}
	p, err := packet.Open(sealed, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Parts) != 2 || string(p.Parts[0].Data) != "TX" || p.Parts[1].ContentType != AuditHeadType {
		t.Fatalf("parts %+v", p.Parts)
	}
	var h audit.Head
	if err := json.Unmarshal(p.Parts[1].Data, &h); err != nil || h != alog.Head() {
		t.Fatalf("audit head in the packet %+v, log head %+v (%v)", h, alog.Head(), err)
	}
}

func openStation(t *testing.T, dir string) (*sync.Station, *age.X25519Identity) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var k [32]byte
	rand.Read(k[:])
	st, err := sync.Open(sync.Options{StationID: "ST01", SigningKey: key, Recipient: id.Recipient(),
		Outbox: outbox.Options{Dir: filepath.Join(dir, "outbox"), Key: k, BallastSize: -1, ReserveFree: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st, id
}

// TestOpen builds the desk as the daemon does, with demo accounts, and signs in.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	st, _ := openStation(t, dir)
	d, pws, err := Open(Config{ORI: "ST01", DemoAccounts: true}, Deps{StorageDir: dir, Devices: fakeDevices{}, Station: st})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ts := httptest.NewServer(d)
	defer ts.Close()
	r := &rig{ts: ts}
	c := r.client(t)
	if code := c.login("demo-supervisor", pws["demo-supervisor"]); code != 200 {
		t.Fatalf("demo sign-in: %d", code)
	}
	if code, body := c.do("GET", "/api/v1/desk/status", ""); code != 200 || !strings.Contains(body, "accepting enrollments") {
		t.Fatalf("status: %d %s", code, body)
	}
	if code, _ := c.do("GET", "/desk/", ""); code != 200 {
		t.Fatalf("page: %d", code)
	}
	if d.Audit.Head().Seq != 1 {
		t.Errorf("sign-in not in the audit log: head %+v", d.Audit.Head())
	}
}
