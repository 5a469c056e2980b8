//go:build unix

package desk

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	stdsync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/capture/enroll"
	"github.com/enrolld/enrolld/capture/face"
	"github.com/enrolld/enrolld/capture/record/ansinist"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/matcher"

	_ "github.com/enrolld/enrolld/drivers/isdv4"
	_ "github.com/enrolld/enrolld/drivers/isdv4/emu"
	_ "github.com/enrolld/enrolld/drivers/ptp"
	_ "github.com/enrolld/enrolld/drivers/ptp/emu"
	_ "github.com/enrolld/enrolld/drivers/uru4000"
	_ "github.com/enrolld/enrolld/drivers/uru4000/emu"
)

type oneHit struct{}

func (oneHit) Search(context.Context, []*matcher.Template) ([]enroll.Candidate, error) {
	return []enroll.Candidate{{SubjectID: "S-000417", Score: 0.31}}, nil
}

// checkingOutbox keeps the transactions after checking they parse and validate.
type checkingOutbox struct {
	mu   stdsync.Mutex
	txs  []*ansinist.Transaction
	err  error
	next enroll.Outbox // the real outbox the checked packet goes on to
}

func (o *checkingOutbox) Commit(ctx context.Context, p enroll.Packet) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	tx, err := ansinist.Unmarshal(p.Transaction)
	if err == nil {
		err = tx.Validate()
	}
	if err != nil {
		o.err = err
		return "", err
	}
	o.txs = append(o.txs, tx)
	return o.next.Commit(ctx, p)
}

func chromiumPath() string {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

func artefactDir(t *testing.T) string {
	dir := os.Getenv("ENROLLD_ARTEFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "enrolld-desk-e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowserEnrollment drives headless Chromium through a whole enrollment on emulated
// devices: sign-in, live preview frames decoded in the page, face, fingers (one missing),
// signature, search hit with a justification, approval by a supervisor, commit.
func TestBrowserEnrollment(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("chromium not installed (apt-get install chromium): browser test skipped")
	}
	checker, err := face.NewChecker(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mgr, err := drivers.NewManager(drivers.ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer mgr.Close()
	for _, ch := range mgr.Apply(ctx, []drivers.Spec{
		{Name: "camera", Driver: "ptp", Emulate: true},
		{Name: "finger", Driver: "uru4000", Emulate: true},
		{Name: "pad", Driver: "isdv4", Emulate: true, Options: drivers.Options{"sign": "300ms"}},
	}) {
		t.Logf("device change: %+v", ch)
	}
	centre, station := startStationAndCentre(t)
	out := &checkingOutbox{next: StationOutbox(station)}
	srv, err := New(Options{
		Accounts: []Account{
			{ID: "olga", Name: "Olga Officer", Role: enroll.RoleOfficer, PasswordHash: hash(t, "olga-pw")},
			{ID: "sam", Name: "Sam Supervisor", Role: enroll.RoleSupervisor, PasswordHash: hash(t, "sam-pw")},
		},
		MinBcryptCost: 4,
		Profiles:      []enroll.Profile{{Name: "visa", Fingers: []int{2, 7}, Face: true, Signature: true}},
		Devices:       ManagerDevices(mgr), // every device emulated at its wire protocol
		Enroll: enroll.Options{Auditor: StationAuditor(station), FaceChecker: FaceChecker(checker), Analyzer: enroll.ExtractAnalyzer{},
			Comparer: &enroll.SharedComparer{}, Searcher: oneHit{}, Builder: &enroll.NISTBuilder{ORI: "STATION-E2E"}, Outbox: out},
		SignatureIdle: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	// Chromium's helper processes may still write to their profile for a moment after the
	// browser exits, so the profile is removed here, best effort, rather than by t.TempDir.
	profile, err := os.MkdirTemp("", "enrolld-desk-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}()
	alloc, cancel := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 1100))...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 4*time.Minute)
	defer cancel()

	shots := artefactDir(t)
	b := &browser{t: t, ctx: bctx, dir: shots}
	b.run(chromedp.Navigate(ts.URL + "/desk/"))
	b.signIn("olga", "olga-pw")
	b.shot("00-home-devices")
	start := time.Now()
	b.run(chromedp.SetValue(`#form-case input[name=receipt]`, "202611200042", chromedp.ByQuery),
		chromedp.SetValue(`#form-case input[name=date_of_birth]`, "1990-05-17", chromedp.ByQuery),
		chromedp.SendKeys(`#form-case input[name=name]`, "Ana Example"+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#step-face`, chromedp.ByQuery))
	b.poll(`window.previewFrames >= 10`, 30*time.Second)
	var f0, f1 float64
	cpu0, wall0 := cpuTime(), time.Now()
	b.run(chromedp.Evaluate(`window.previewFrames`, &f0), chromedp.Sleep(5*time.Second), chromedp.Evaluate(`window.previewFrames`, &f1))
	wall := time.Since(wall0)
	var mode string
	b.run(chromedp.Evaluate(`window.previewMode || ''`, &mode))
	t.Logf("live preview (%s): %.1f frames/s decoded and drawn in the page; station side (camera frames, WebRTC, DataChannel) used %.1f%% of one CPU",
		mode, (f1-f0)/wall.Seconds(), 100*(cpuTime()-cpu0).Seconds()/wall.Seconds())
	if want := map[bool]string{true: "vp8", false: "jpeg"}[vp8Built]; mode != want {
		t.Errorf("preview mode %q, want %q for this build", mode, want)
	}
	b.shot("01-face-live-preview")
	var focused string
	b.run(chromedp.Evaluate(`document.activeElement.id`, &focused))
	if focused != "btn-face" {
		t.Errorf("focus on %q at the face step, want the capture button", focused)
	}
	b.run(chromedp.KeyEvent(kb.Enter)) // the step's primary button has the focus
	// The emulated camera's drawn face passes the photo checks about three times in four
	// (pupil localisation is randomised); the officer retakes a refused photo.
	for try := 0; ; try++ {
		b.run(chromedp.Sleep(500 * time.Millisecond)) // let the capture request start
		b.poll(`document.getElementById('busy').hidden`, 60*time.Second)
		var step string
		b.run(chromedp.Evaluate(`(cur && cur.step) || ''`, &step))
		if step == "fingers" {
			break
		}
		if try == 8 {
			t.Fatalf("the face step refused 9 photos from the emulated camera")
		}
		b.run(chromedp.Click(`#btn-face`, chromedp.ByQuery))
	}
	b.shot("02-face-accepted-fingers")
	for i := 0; i < 3; i++ { // the right index: up to three attempts, the best kept
		b.run(chromedp.Click(`#btn-finger`, chromedp.ByQuery))
		b.poll(`document.getElementById('busy').hidden`, 60*time.Second)
		var pos float64
		b.run(chromedp.Evaluate(`cur.current_finger || 0`, &pos))
		if pos != 2 {
			break
		}
	}
	b.shot("03-right-index-captured")
	b.run(chromedp.Click(`#missing summary`, chromedp.ByQuery),
		chromedp.SetValue(`#form-missing select[name=code]`, "UP", chromedp.ByQuery),
		chromedp.SendKeys(`#form-missing input[name=note]`, "left index bandaged", chromedp.ByQuery),
		chromedp.Click(`#form-missing button[type=submit]`, chromedp.ByQuery))
	b.poll(`cur && cur.step === 'signature'`, 20*time.Second)
	b.run(chromedp.Click(`#btn-signature`, chromedp.ByQuery))
	b.poll(`(window.sigPoints || 0) > 50`, 30*time.Second)
	b.shot("04-signature-drawn-live")
	b.poll(`cur && cur.step === 'search'`, 60*time.Second)
	b.run(chromedp.Click(`#btn-search`, chromedp.ByQuery), chromedp.WaitVisible(`#search-hit`, chromedp.ByQuery))
	b.shot("05-search-hit")
	b.run(chromedp.SendKeys(`#form-continue input[name=justification]`, "different person: namesake, other date of birth", chromedp.ByQuery),
		chromedp.Click(`#form-continue button[type=submit]`, chromedp.ByQuery))
	b.poll(`cur && cur.step === 'review'`, 20*time.Second)
	b.run(chromedp.Click(`#btn-commit`, chromedp.ByQuery))
	b.poll(`document.getElementById('message').textContent.includes('awaits')`, 20*time.Second)
	b.shot("06-review-awaiting-approval")
	b.run(chromedp.Click(`#btn-logout`, chromedp.ByQuery), chromedp.WaitVisible(`#form-signin`, chromedp.ByQuery))
	b.signIn("sam", "sam-pw")
	b.run(chromedp.Click(`#tbl-open tbody button`, chromedp.ByQuery), chromedp.WaitVisible(`#approve-list form`, chromedp.ByQuery),
		chromedp.SendKeys(`#approve-list input[name=justification]`, "bandage seen", chromedp.ByQuery),
		chromedp.Click(`#approve-list button[type=submit]`, chromedp.ByQuery))
	b.poll(`document.getElementById('approve-list').textContent.includes('approved by sam')`, 20*time.Second)
	b.shot("07-supervisor-approved")
	b.run(chromedp.Click(`#btn-logout`, chromedp.ByQuery), chromedp.WaitVisible(`#form-signin`, chromedp.ByQuery))
	b.signIn("olga", "olga-pw")
	b.run(chromedp.Click(`#tbl-open tbody button`, chromedp.ByQuery))
	b.poll(`cur && cur.step === 'review'`, 20*time.Second)
	b.run(chromedp.Click(`#btn-commit`, chromedp.ByQuery), chromedp.WaitVisible(`#step-committed`, chromedp.ByQuery))
	var packet string
	b.run(chromedp.Text(`#packet-id`, &packet, chromedp.ByQuery))
	t.Logf("full enrollment in the browser (case form to commit, incl. sign-out/sign-in for the approval): %s", time.Since(start).Round(100*time.Millisecond))
	b.shot("08-committed")
	t.Logf("screenshots in %s", shots)

	if packet == "" || len(out.txs) != 1 {
		t.Fatalf("packet %q, %d transactions, outbox error %v", packet, len(out.txs), out.err)
	}
	for deadline := time.Now().Add(30 * time.Second); centre.StoredCount(packet) != 1; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("packet %s did not reach the centre", packet)
		}
	}
	t.Logf("packet %s reached the centre", packet)
	var types []int
	for _, r := range out.txs[0].Records {
		types = append(types, r.Type)
	}
	if fmt.Sprint(types) != "[1 2 10 14 8]" {
		t.Errorf("record types %v, want [1 2 10 14 8]", types)
	}
	head, n, err := station.Store().VerifyAudit()
	if err != nil {
		t.Fatalf("audit chain: %d entries, %v", n, err)
	}
	var committed []audit.Entry
	actions := map[string]bool{}
	station.Store().WalkAudit(func(audit.Head) error { return nil }, func(e *audit.Entry) error {
		actions[e.Action] = true
		if e.Action == "committed" {
			committed = append(committed, *e)
		}
		return nil
	})
	if len(committed) != 1 || committed[0].Packet != packet || committed[0].Actor != "olga" {
		t.Fatalf("committed entries %+v, want one for %s", committed, packet)
	}
	for _, a := range []string{"sign-in", "sign-out", "start", "face-accepted", "finger-accepted", "signature-accepted",
		"exception-raised", "exception-approved", "search", "search-decision"} {
		if !actions[a] {
			t.Errorf("no %q in the audit chain (%v)", a, actions)
		}
	}
	t.Logf("audit chain intact: %d entries, head %v", n, head)
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// browser wraps chromedp with failure screenshots.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string
	n   int
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.shot("failure")
		var msg string
		_ = chromedp.Run(b.ctx, chromedp.Evaluate(`document.getElementById('message').textContent`, &msg))
		b.t.Fatalf("browser: %v (page message: %q)", err, msg)
	}
}

func (b *browser) poll(expr string, timeout time.Duration) {
	b.t.Helper()
	b.run(chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(100*time.Millisecond)))
}

func (b *browser) signIn(user, pw string) {
	b.t.Helper()
	b.run(chromedp.WaitVisible(`#form-signin`, chromedp.ByQuery),
		chromedp.SendKeys(`#form-signin input[name=user]`, user, chromedp.ByQuery),
		chromedp.SendKeys(`#form-signin input[name=password]`, pw+kb.Enter, chromedp.ByQuery), // keyboard only
		chromedp.WaitVisible(`#screen-home`, chromedp.ByQuery))
}

func (b *browser) shot(name string) {
	var buf []byte
	if err := chromedp.Run(b.ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.n++
	p := filepath.Join(b.dir, name+".png") // quality 100 makes Chromium send PNG
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}
