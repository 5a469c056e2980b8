package sync_test

import (
	"bufio"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	stdsync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/pki"
	"github.com/enrolld/enrolld/sync/synctest"
)

// crashCycles is how many SIGKILL cycles the harness runs: 24 by default, 20 with -short,
// ENROLLD_CRASH_CYCLES for long runs.
func crashCycles() int {
	if n, err := strconv.Atoi(os.Getenv("ENROLLD_CRASH_CYCLES")); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return 20
	}
	return 24
}

func buildBinary(t *testing.T, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// runDriver starts the station process; it returns the ACKed ids and the highest acknowledged
// audit sequence number once the process has ended.
func runDriver(t *testing.T, bin string, args []string, killAfter time.Duration) (acked []string, audited uint64, drained bool) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var wg stdsync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if id, ok := strings.CutPrefix(line, "ACK "); ok {
				acked = append(acked, id)
			}
			if seq, ok := strings.CutPrefix(line, "AUDIT "); ok {
				n, _ := strconv.ParseUint(seq, 10, 64)
				audited = max(audited, n)
			}
			drained = drained || line == "DRAINED"
		}
		io.Copy(io.Discard, out)
	}()
	if killAfter > 0 {
		time.Sleep(killAfter)
		cmd.Process.Signal(syscall.SIGKILL)
	}
	wg.Wait()
	err := cmd.Wait()
	if killAfter == 0 && err != nil {
		t.Fatalf("station process: %v\n%s", err, stderr.String())
	}
	if killAfter > 0 && strings.Contains(stderr.String(), "enroll:") {
		t.Fatalf("station process failed before the kill: %s", stderr.String())
	}
	return acked, audited, drained
}

// centreProc is a real enroll-central process on loopback.
type centreProc struct {
	dir, addr string
	key       ed25519.PublicKey
	cmd       *exec.Cmd

	cached     []central.Record
	cachedSize int
}

// startCentre builds and starts enroll-central (init, then serve) and makes station st-1's keys.
func startCentre(t *testing.T, root string) (*centreProc, string) {
	t.Helper()
	bin := buildBinary(t, "../cmd/enroll-central")
	c := &centreProc{dir: filepath.Join(root, "centre")}
	if out, err := exec.Command(bin, "init", "--dir", c.dir).CombinedOutput(); err != nil {
		t.Fatalf("enroll-central init: %v %s", err, out)
	}
	stationDir := filepath.Join(root, "station")
	if _, err := pki.InitStation(stationDir, "st-1", c.dir, outbox.CreateKeyFile); err != nil {
		t.Fatal(err)
	}
	pb, _ := os.ReadFile(filepath.Join(c.dir, pki.CentreSignPub))
	var err error
	if c.key, err = pki.ParsePublicKey(pb); err != nil {
		t.Fatal(err)
	}
	c.cmd = exec.Command(bin, "serve", "--dir", c.dir, "--web.listen-address", "127.0.0.1:0", "--admin.listen-address", "", "--log.level", "error")
	out, _ := c.cmd.StdoutPipe()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Signal(syscall.SIGTERM); c.cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "enroll-central: stations connect to https://"); ok {
			c.addr = a
			break
		}
	}
	go io.Copy(io.Discard, out)
	if c.addr == "" {
		t.Fatal("enroll-central did not say where it listens")
	}
	return c, stationDir
}

// index reads the centre's durable index (one JSON line per stored packet), re-parsing it only
// when it has grown.
func (c *centreProc) index() []central.Record {
	b, err := os.ReadFile(filepath.Join(c.dir, "store", "index.jsonl"))
	if err != nil {
		return nil
	}
	if len(b) == c.cachedSize {
		return c.cached
	}
	var recs []central.Record
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r central.Record
		if json.Unmarshal([]byte(line), &r) == nil {
			recs = append(recs, r)
		}
	}
	c.cached, c.cachedSize = recs, len(b)
	return recs
}

// StoredCount counts the index lines of a packet: how often the centre stored it.
func (c *centreProc) StoredCount(id string) int {
	n := 0
	for _, r := range c.index() {
		if r.ID == id {
			n++
		}
	}
	return n
}

// Records returns the stored packets.
func (c *centreProc) Records() []central.Record { return c.index() }

// TestCrashHarness runs a real station process against a real enroll-central process on
// loopback (built from cmd/enroll-central, its durable index read by the checker), kills it
// with SIGKILL at random moments, and checks: every acknowledged enrollment is present locally
// or receipted centrally; after a final drain each is stored at the centre exactly once; the
// station's hash chain at the centre is unbroken; nothing was purged without a stored receipt
// that verifies; and the data directory holds no plain biometric data.
func TestCrashHarness(t *testing.T) {
	bin := buildBinary(t, "./internal/stationdriver")
	root := t.TempDir()
	centre, stationDir := startCentre(t, root)
	data := filepath.Join(root, "station-data")
	args := []string{"-station-dir", stationDir, "-data", data, "-centre", centre.addr}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var acked []string
	var audited uint64
	cycles := crashCycles()
	for i := 0; i < cycles; i++ {
		kill := time.Duration(30+rng.IntN(400)) * time.Millisecond // often during open and recovery
		if rng.IntN(4) == 0 {
			kill = time.Duration(400+rng.IntN(1100)) * time.Millisecond // a backlog mid-upload and mid-purge
		}
		ids, seq, _ := runDriver(t, bin, args, kill)
		acked, audited = append(acked, ids...), max(audited, seq)
		if i%5 == 4 { // a mid-run check: acknowledged enrollments survive every kill
			checkAckedPresent(t, centre, stationDir, data, acked, audited, false)
		}
	}
	t.Logf("%d kill cycles survived, %d enrollments acknowledged to the operator", cycles, len(acked))
	if len(acked) < cycles {
		t.Fatalf("only %d enrollments in %d cycles: the station barely ran", len(acked), cycles)
	}
	if _, _, drained := runDriver(t, bin, append(args, "-drain"), 0); !drained {
		t.Fatal("final run did not drain the queue")
	}
	checkAckedPresent(t, centre, stationDir, data, acked, audited, true)
	checkCentre(t, centre, acked)
	for _, f := range synctest.FindSignatures(data, signatures) {
		t.Error(f)
	}
}

// checkAckedPresent opens the station's outbox (the process is dead) and checks the invariants.
func checkAckedPresent(t *testing.T, centre *centreProc, stationDir, data string, acked []string, audited uint64, drained bool) {
	t.Helper()
	opt, err := synctest.Options(stationDir, data, centre.addr)
	if err != nil {
		t.Fatal(err)
	}
	s, err := outbox.Open(opt.Outbox)
	if err != nil {
		t.Fatalf("reopening the outbox after a kill: %v", err)
	}
	defer s.Close()
	centreKey := centre.key
	stored := map[string]int{}
	for _, r := range centre.index() {
		stored[r.ID]++
	}
	local := map[string]outbox.Entry{}
	err = s.Scan(false, func(e outbox.Entry) bool {
		local[e.ID] = e
		if e.State == outbox.Acknowledged || e.State == outbox.Purged {
			rc, err := packet.DecodeReceipt(e.Receipt)
			if err == nil {
				err = rc.VerifyStored(centreKey, e.ID, e.ContentHash)
			}
			if err != nil {
				t.Errorf("%s is %s without a valid stored receipt: %v", e.ID, e.State, err)
			}
			if stored[e.ID] != 1 {
				t.Errorf("%s is %s locally but stored %d times centrally", e.ID, e.State, stored[e.ID])
			}
		}
		if drained && e.State.Unsent() {
			t.Errorf("%s still %s after the drain", e.ID, e.State)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range acked {
		if _, ok := local[id]; !ok && stored[id] == 0 {
			t.Errorf("acknowledged enrollment %s lost: neither local nor at the centre", id)
		}
	}
	checkAuditChain(t, s, local, audited)
}

// checkAuditChain checks the desk audit chain after kills: it verifies, it holds every
// acknowledged append, and each packet in the queue has exactly one "committed" entry and each
// such entry its packet (the two are written in one transaction).
func checkAuditChain(t *testing.T, s *outbox.Store, local map[string]outbox.Entry, audited uint64) {
	t.Helper()
	head, _, err := s.VerifyAudit()
	if err != nil {
		t.Fatalf("audit chain after a kill: %v", err)
	}
	if head.Seq < audited {
		t.Errorf("audit chain ends at %d, but append %d was acknowledged", head.Seq, audited)
	}
	committed := map[string]int{}
	err = s.WalkAudit(func(audit.Head) error { return nil }, func(e *audit.Entry) error {
		if e.Action == "committed" {
			committed[e.Packet]++
			if _, ok := local[e.Packet]; !ok {
				t.Errorf("audit entry %d: committed packet %q is not in the outbox", e.Seq, e.Packet)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id := range local {
		if committed[id] != 1 {
			t.Errorf("packet %s has %d committed audit entries", id, committed[id])
		}
	}
}
