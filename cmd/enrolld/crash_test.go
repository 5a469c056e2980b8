package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	stdsync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/enrolld/enrolld/sync/pki"
	"github.com/enrolld/enrolld/sync/synctest"
)

// The crash harness: the real enrolld binary enrolls (POST /api/v1/enrollments) and syncs
// against the real enroll-central binary on loopback, and is killed with SIGKILL at random
// moments (during start-up and recovery, while enrolling, while uploading a backlog) and
// restarted on the same storage. An enrollment counts as acknowledged to the operator when its
// 201 arrived. The checker (crash_check_test.go) proves after every fifth kill and at the end
// that every acknowledged enrollment is in the outbox or at the centre, nothing is at the
// centre twice, and nothing was purged without a stored receipt that verifies.

const crashStationID = "st-crash"

// crashCycles is how many SIGKILL cycles run: 24, 20 with -short, or ENROLLD_CRASH_CYCLES.
func crashCycles() int {
	if n, err := strconv.Atoi(os.Getenv("ENROLLD_CRASH_CYCLES")); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return 20
	}
	return 24
}

// crashEnv is the harness's state: the binaries, the directories, the running centre.
type crashEnv struct {
	bins                             crashBins
	centreDir, stationDir, storage   string
	cfgFile, token, ingestFile       string
	centre                           *crashProc
	centreURL, adminURL              string
	centreKey                        ed25519.PublicKey
	purging                          bool // the daemon's config lets purges run every few ms
	acked                            []string
	earlyKills, backlogKills, killed int
}

func TestCrashHarness(t *testing.T) {
	began := time.Now()
	e := setUpCrash(t)
	setUp := time.Since(began)
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("ENROLLD_CRASH_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d (ENROLLD_CRASH_SEED reproduces the kill schedule)", seed)
	rng := rand.New(rand.NewPCG(seed, 11))
	cycles := crashCycles()
	for i := 0; i < cycles; i++ {
		e.killCycle(t, rng)
		if i%5 == 4 {
			tally, f := checkOutbox(e.stationDir, e.outboxDir(), e.centreKey, centreFromAdmin(t, e.adminURL), e.acked, false)
			f.report(t)
			t.Logf("after kill %d: %d acknowledged to the operator; outbox %d unsent, %d acknowledged, %d purged",
				e.killed, len(e.acked), tally.unsent, tally.acknowledged, tally.purged)
			if t.Failed() {
				t.FailNow()
			}
		}
	}
	t.Logf("%d SIGKILL cycles survived (%d during start-up, %d with unsent packets in flight), %d enrollments acknowledged",
		e.killed, e.earlyKills, e.backlogKills, len(e.acked))
	if len(e.acked) < cycles/2 { // typically hundreds
		t.Fatalf("only %d enrollments in %d cycles: the station barely ran", len(e.acked), cycles)
	}
	killing := time.Since(began) - setUp
	e.drain(t)
	draining := time.Since(began) - setUp - killing
	if n := centreConflicts(t, e.adminURL); n != 0 {
		t.Errorf("the centre answered 409 %d times", n)
	}
	e.centre.cmd.Process.Signal(syscall.SIGTERM)
	<-e.centre.done
	cv := centreFromStore(t, e.centreDir)
	tally, f := checkOutbox(e.stationDir, e.outboxDir(), e.centreKey, cv, e.acked, true)
	f.report(t)
	checkChain(cv.records).report(t)
	if len(cv.records) != tally.entries {
		t.Errorf("the centre holds %d packets, the station queued %d", len(cv.records), tally.entries)
	}
	if e.purging && tally.purged == 0 {
		t.Errorf("retention %s with frequent purges, yet nothing was purged", "1ms")
	}
	for _, f := range synctest.FindSignatures(e.storage, plainSignatures) {
		t.Error(f)
	}
	t.Logf("after the drain: %d packets at the centre, each once; outbox %d acknowledged, %d purged (purging %v)",
		len(cv.records), tally.acknowledged, tally.purged, e.purging)
	t.Logf("build and set-up %s, kill cycles %s, drain %s", setUp.Round(time.Millisecond), killing.Round(time.Millisecond), draining.Round(time.Millisecond))
}

// setUpCrash builds the binaries, makes the centre's and the station's keys with them, starts
// the centre and writes enrolld's configuration.
func setUpCrash(t *testing.T) *crashEnv {
	t.Helper()
	root := t.TempDir()
	e := &crashEnv{bins: crashBuild(t), centreDir: filepath.Join(root, "centre"), stationDir: filepath.Join(root, "station"),
		storage: filepath.Join(root, "storage"), cfgFile: filepath.Join(root, "enrolld.yaml"), token: "crash-harness-token-0123456789"}
	crashRun(t, e.bins.central, "init", "--dir", e.centreDir, "--hosts", "127.0.0.1,localhost")
	crashRun(t, e.bins.enrollctl, "keys", "init", "--dir", e.stationDir, "--station-id", crashStationID, "--centre-dir", e.centreDir)
	keys, err := pki.LoadCentre(e.centreDir)
	if err != nil {
		t.Fatal(err)
	}
	e.centreKey = keys.SigningKey.Public().(ed25519.PublicKey)
	e.centre, e.centreURL, e.adminURL = startCentreProc(t, e.bins.central, e.centreDir)
	tokenFile := filepath.Join(root, "ingest.token")
	if err := os.WriteFile(tokenFile, []byte(e.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.ingestFile = tokenFile
	e.writeConfig(t)
	return e
}

// writeConfig writes enrolld's configuration with a free loopback port for its API (the
// daemon wants a fixed one); it is called again should another process take the port.
func (e *crashEnv) writeConfig(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := "station: {id: " + crashStationID + "}\nweb: {listen_address: '" + addr + "'}\nstorage: {path: " + e.storage +
		"}\nlog: {level: info}\nsync:\n  credentials: " + e.stationDir + "\n  centre_url: " + e.centreURL +
		"\n  ingest_token_file: " + e.ingestFile + "\n  max_unsent: 1000000\n  retention: 1ms\n"
	// Purges run on the daemon's purge interval; where the configuration can shorten it,
	// the harness does, so that purges race the kills too.
	if _, err := parseConfig([]byte(cfg+"  purge_every: 20ms\n"), nil); err == nil {
		cfg += "  purge_every: 20ms\n"
		e.purging = true
	} else if _, err := parseConfig([]byte(cfg), nil); err != nil {
		t.Fatalf("the harness's enrolld configuration is invalid: %v\n%s", err, cfg)
	}
	if err := os.WriteFile(e.cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startDaemon starts enrolld and returns its base URL once it listens. Should its port have
// been taken meanwhile, it moves to another one.
func (e *crashEnv) startDaemon(t *testing.T) (*crashProc, string) {
	t.Helper()
	for try := 0; ; try++ {
		p, urls := startDaemonProc(t, e.bins.enrolld, e.cfgFile)
		select {
		case base := <-urls:
			return p, base
		case <-p.done:
			if try < 3 && strings.Contains(p.log.String(), "address already in use") {
				e.writeConfig(t)
				continue
			}
			t.Fatalf("enrolld does not come back after %d SIGKILLs: it exited during start-up (%v):\n%s", e.killed, p.err, p.log)
		case <-time.After(60 * time.Second):
			t.Fatalf("enrolld did not listen within a minute (after %d SIGKILLs):\n%s", e.killed, p.log)
		}
	}
}

func (e *crashEnv) outboxDir() string { return filepath.Join(e.storage, "outbox") }

// killCycle starts enrolld, enrolls in a loop once its outbox is open, and kills it with
// SIGKILL after a random delay; one cycle in five kills it during start-up instead.
func (e *crashEnv) killCycle(t *testing.T, rng *rand.Rand) {
	t.Helper()
	p, base := e.startDaemon(t)
	if rng.IntN(5) == 0 { // during start-up: opening Badger, recovery, the first uploads
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		e.kill(t, p)
		e.earlyKills++
		return
	}
	c := &crashClient{base: base, token: e.token, hc: &http.Client{Timeout: 60 * time.Second}}
	c.waitOpen(t, p)
	ctx, stop := context.WithCancel(context.Background())
	var wg stdsync.WaitGroup
	var acked []string
	var unexpected []error
	wg.Add(1)
	loopRng := rand.New(rand.NewPCG(rng.Uint64(), 3)) // drawn here: rng is not shared with the loop
	go func() {
		defer wg.Done()
		acked, unexpected = enrollLoop(ctx, c, loopRng)
	}()
	window := 1500
	if testing.Short() {
		window = 1000
	}
	time.Sleep(time.Duration(50+rng.IntN(window)) * time.Millisecond)
	if st, ok := c.status(ctx); ok && st.Queue["queued"]+st.Queue["sending"] > 0 {
		e.backlogKills++
	}
	e.kill(t, p)
	stop()
	wg.Wait()
	e.acked = append(e.acked, acked...)
	for _, err := range unexpected {
		t.Errorf("enrolld answered an enrollment unexpectedly: %v", err)
	}
}

// kill sends SIGKILL and checks the daemon did not die on its own before.
func (e *crashEnv) kill(t *testing.T, p *crashProc) {
	t.Helper()
	if p.exited() {
		t.Fatalf("enrolld exited before the kill: %v\n%s", p.err, p.log)
	}
	p.kill()
	e.killed++
}

// enrollLoop posts enrollments until ctx ends; it returns the ids whose 201 arrived and the
// answers other than 201 or a refusal (503) that arrived before ctx ended.
func enrollLoop(ctx context.Context, c *crashClient, rng *rand.Rand) (acked []string, unexpected []error) {
	for n := 0; ctx.Err() == nil; n++ {
		id, code, err := c.enroll(ctx, crashEnrollment(rng, n))
		switch {
		case err == nil:
			acked = append(acked, id)
		case ctx.Err() != nil || code == http.StatusServiceUnavailable:
		case code != 0:
			unexpected = append(unexpected, err)
		default: // the connection broke: the kill is under way
			time.Sleep(5 * time.Millisecond)
		}
	}
	return acked, unexpected
}

// crashEnrollment is the JSON of one enrollment: a JPEG-like face image of 4-160 KiB and an
// ISO/IEC 19794-2-like template, random bytes behind real headers.
func crashEnrollment(rng *rand.Rand, n int) []byte {
	img := make([]byte, 4<<10+rng.IntN(156<<10))
	for i := range img {
		img[i] = byte(rng.Uint32())
	}
	copy(img, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	fmr := make([]byte, 300+rng.IntN(500))
	for i := range fmr {
		fmr[i] = byte(rng.Uint32())
	}
	copy(fmr, "FMR\x00 20\x00")
	body, _ := json.Marshal(enrollRequest{OperatorID: "op-" + strconv.Itoa(n%3), CaptureTimes: []time.Time{time.Now().UTC()},
		Parts: []enrollPart{{ContentType: "image/jpeg", Data: img}, {ContentType: "application/x-iso19794-2", Data: fmr}}})
	return body
}

// drain starts enrolld once more and lets it upload (and purge) everything, then stops it
// with SIGTERM, which must succeed.
func (e *crashEnv) drain(t *testing.T) {
	t.Helper()
	p, base := e.startDaemon(t)
	c := &crashClient{base: base, token: e.token, hc: &http.Client{Timeout: 60 * time.Second}}
	c.waitOpen(t, p)
	deadline := time.Now().Add(5 * time.Minute) // backoff after failures is bounded well below
	for {
		st, ok := c.status(context.Background())
		if ok && st.Queue["conflict"] > 0 {
			t.Fatalf("%d packets in conflict", st.Queue["conflict"])
		}
		unsent := st.Queue["queued"] + st.Queue["sending"]
		if ok && unsent == 0 && (!e.purging || st.Queue["acknowledged"] == 0) {
			break
		}
		if p.exited() {
			t.Fatalf("enrolld exited while draining: %v\n%s", p.err, p.log)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue did not drain: %+v\n%s", st, p.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("enrolld's orderly stop failed: %v\n%s", p.err, p.log)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("enrolld did not stop within a minute of SIGTERM:\n%s", p.log)
	}
}
