package sync_test

import (
	"bufio"
	"crypto/ed25519"
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

	"github.com/enrolld/enrolld/sync/internal/synctest"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
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

func buildDriver(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stationdriver")
	cmd := exec.Command("go", "build", "-o", bin, "./internal/stationdriver")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the station driver: %v\n%s", err, out)
	}
	return bin
}

// runDriver starts the station process; it returns the ACKed ids once the process has ended.
func runDriver(t *testing.T, bin string, args []string, killAfter time.Duration) (acked []string, drained bool) {
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
	return acked, drained
}

// TestCrashHarness runs a real station process against a real centre on loopback, kills it
// with SIGKILL at random moments, and checks: every acknowledged enrollment is present locally
// or receipted centrally; after a final drain each is stored at the centre exactly once; the
// station's hash chain at the centre is unbroken; nothing was purged without a stored receipt
// that verifies; and the data directory holds no plain biometric data.
func TestCrashHarness(t *testing.T) {
	bin := buildDriver(t)
	env := synctest.New(t, nil)
	data := filepath.Join(t.TempDir(), "station-data")
	args := []string{"-station-dir", env.StationDir, "-data", data, "-centre", env.Addr}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var acked []string
	cycles := crashCycles()
	for i := 0; i < cycles; i++ {
		kill := time.Duration(30+rng.IntN(400)) * time.Millisecond // often during open and recovery
		if rng.IntN(4) == 0 {
			kill = time.Duration(400+rng.IntN(1100)) * time.Millisecond // a backlog mid-upload and mid-purge
		}
		ids, _ := runDriver(t, bin, args, kill)
		acked = append(acked, ids...)
		if i%5 == 4 { // a mid-run check: acknowledged enrollments survive every kill
			checkAckedPresent(t, env, data, acked, false)
		}
	}
	t.Logf("%d kill cycles survived, %d enrollments acknowledged to the operator", cycles, len(acked))
	if len(acked) < cycles {
		t.Fatalf("only %d enrollments in %d cycles: the station barely ran", len(acked), cycles)
	}
	if _, drained := runDriver(t, bin, append(args, "-drain"), 0); !drained {
		t.Fatal("final run did not drain the queue")
	}
	checkAckedPresent(t, env, data, acked, true)
	checkCentre(t, env.Centre, acked)
	for _, f := range scanFindings(data) {
		t.Error(f)
	}
}

// checkAckedPresent opens the station's outbox (the process is dead) and checks the invariants.
func checkAckedPresent(t *testing.T, env *synctest.Env, data string, acked []string, drained bool) {
	t.Helper()
	opt, err := synctest.Options(env.StationDir, data, env.Addr)
	if err != nil {
		t.Fatal(err)
	}
	s, err := outbox.Open(opt.Outbox)
	if err != nil {
		t.Fatalf("reopening the outbox after a kill: %v", err)
	}
	defer s.Close()
	centreKey := env.CentreKeys.SigningKey.Public().(ed25519.PublicKey)
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
			if env.Centre.StoredCount(e.ID) != 1 {
				t.Errorf("%s is %s locally but stored %d times centrally", e.ID, e.State, env.Centre.StoredCount(e.ID))
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
		if _, ok := local[id]; !ok && env.Centre.StoredCount(id) == 0 {
			t.Errorf("acknowledged enrollment %s lost: neither local nor at the centre", id)
		}
	}
}
