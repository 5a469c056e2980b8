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
	"time"

	"filippo.io/age"

	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/capture/enroll"
	"github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
)

// TestStationOutbox commits through a real (offline) sync.Station, with the audit chain in its
// store. A commit whose transaction fails leaves neither packet nor "committed" entry; one that
// succeeds leaves both, its packet carrying the chain head just before that entry; after a
// restart the chain still verifies.
func TestStationOutbox(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opt, id := stationOptions(t, dir)
	st, err := sync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	au, ob := StationAuditor(st), StationOutbox(st)
	ev := enroll.Event{Time: time.Now(), Actor: "olga", Role: enroll.RoleOfficer, Case: "202611200001"}
	for _, a := range []string{"sign-in", "start", "face-accepted"} {
		ev.Action = a
		if err := au.Record(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := st.Store().AuditHead()
	pk := enroll.Packet{OperatorID: "olga", ContentType: "application/vnd.ansi-nist-itl", Transaction: []byte("TX")}

	// A fault inside the commit's transaction: an audit record above the store's value
	// threshold fails its write after the packet's records were put.
	ev.Action, ev.Justification = "committed", strings.Repeat("x", 70<<10)
	pk.Audit = []enroll.Event{ev}
	if _, err := ob.Commit(ctx, pk); err == nil {
		t.Fatal("commit with a failing transaction succeeded")
	}
	if stats, _ := st.Store().Stats(); stats.Unsent != 0 {
		t.Fatalf("the failed commit left %d packets", stats.Unsent)
	}
	if h, n, err := st.Store().VerifyAudit(); err != nil || n != 3 || h != before {
		t.Fatalf("the failed commit changed the chain: %v %d %v", h, n, err)
	}

	ev.Justification = ""
	pk.Audit = []enroll.Event{ev}
	pid, err := ob.Commit(ctx, pk)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err = sync.Open(opt); err != nil { // the daemon restarts
		t.Fatal(err)
	}
	defer st.Close(ctx)
	head, n, err := st.Store().VerifyAudit()
	if err != nil || n != 4 || head.Seq != 4 {
		t.Fatalf("chain after the restart: %v %d %v", head, n, err)
	}
	var last audit.Entry
	st.Store().WalkAudit(func(audit.Head) error { return nil }, func(e *audit.Entry) error { last = *e; return nil })
	if last.Action != "committed" || last.Packet != pid || last.Prev != before.Hash {
		t.Fatalf("last entry %+v, want committed for %s after %v", last, pid, before)
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
	if len(p.Parts) != 2 || string(p.Parts[0].Data) != "TX" || p.Parts[1].ContentType != sync.AuditHeadType {
		t.Fatalf("parts %+v", p.Parts)
	}
	var h audit.Head
	if err := json.Unmarshal(p.Parts[1].Data, &h); err != nil || h != before {
		t.Fatalf("audit head in the packet %+v, want the head before the commit %+v (%v)", h, before, err)
	}
}

func stationOptions(t *testing.T, dir string) (sync.Options, *age.X25519Identity) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var k [32]byte
	rand.Read(k[:])
	return sync.Options{StationID: "ST01", SigningKey: key, Recipient: id.Recipient(),
		Outbox: outbox.Options{Dir: filepath.Join(dir, "outbox"), Key: k, BallastSize: -1, ReserveFree: 1}}, id
}

func openStation(t *testing.T, dir string) (*sync.Station, *age.X25519Identity) {
	t.Helper()
	opt, id := stationOptions(t, dir)
	st, err := sync.Open(opt)
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
	d, pws, err := Open(Config{ORI: "ST01", DemoAccounts: true}, Deps{Devices: fakeDevices{}, Station: st})
	if err != nil {
		t.Fatal(err)
	}
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
	if h, _ := st.Store().AuditHead(); h.Seq != 1 {
		t.Errorf("sign-in not in the audit chain: head %+v", h)
	}
}
