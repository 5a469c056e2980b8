package desk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/enroll"
	"github.com/enrolld/enrolld/matcher"
)

// fakeCamera serves a fixed still and numbered live-view frames at about 20 fps.
type fakeCamera struct{ still []byte }

func (c *fakeCamera) Info() capture.Info {
	return capture.Info{Kind: capture.KindCamera, Driver: "fake"}
}
func (c *fakeCamera) String() string { return "fake camera" }
func (c *fakeCamera) Halt() error    { return nil }
func (c *fakeCamera) CaptureStill(ctx context.Context) (*capture.Still, error) {
	return &capture.Still{JPEG: c.still, Width: 320, Height: 240, Captured: time.Now()}, nil
}
func (c *fakeCamera) LiveView(ctx context.Context, out chan<- capture.Frame) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for seq := uint64(1); ; seq++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			select {
			case out <- capture.Frame{JPEG: c.still, Seq: seq, Captured: time.Now()}:
			default:
			}
		}
	}
}

func testJPEG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, nil)
	return b.Bytes()
}

// fakeScanner hands out fingers with quality Pix[0] and identity Pix[1] from a queue.
type fakeScanner struct {
	mu   stdsync.Mutex
	next [][2]byte
}

func (s *fakeScanner) Info() capture.Info {
	return capture.Info{Kind: capture.KindFinger, Driver: "fake"}
}
func (s *fakeScanner) String() string { return "fake scanner" }
func (s *fakeScanner) Halt() error    { return nil }
func (s *fakeScanner) CaptureFinger(ctx context.Context, _ func(string)) (*capture.FingerImage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.next) == 0 {
		return nil, errors.New("no finger queued")
	}
	q := s.next[0]
	s.next = s.next[1:]
	pix := make([]byte, 64*64)
	pix[0], pix[1] = q[0], q[1]
	return &capture.FingerImage{GrayImage: capture.GrayImage{Width: 64, Height: 64, Pix: pix, DPI: 500}, Captured: time.Now()}, nil
}

// fakePad draws three strokes.
type fakePad struct{}

func (fakePad) Info() capture.Info { return capture.Info{Kind: capture.KindSignature, Driver: "fake"} }
func (fakePad) String() string     { return "fake pad" }
func (fakePad) Halt() error        { return nil }
func (fakePad) Stream(ctx context.Context, out chan<- capture.PenSample) error {
	t := time.Now()
	for stroke := 0; stroke < 3; stroke++ {
		for i := 0; i < 30; i++ {
			t = t.Add(10 * time.Millisecond)
			p := capture.PenSample{X: i * 50, Y: stroke * 400, XMM: float64(i) * 1.5, YMM: float64(stroke) * 8, Pressure: 400, MaxPressure: 1023, Tip: true, Proximity: true, Time: t}
			select {
			case out <- p:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		select {
		case out <- capture.PenSample{Proximity: true, Time: t}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	<-ctx.Done()
	return ctx.Err()
}

type fakeDevices struct {
	cam *fakeCamera
	sc  *fakeScanner
}

func (d fakeDevices) Camera() capture.Camera         { return d.cam }
func (d fakeDevices) Scanner() capture.FingerScanner { return d.sc }
func (d fakeDevices) Pad() capture.SignaturePad      { return fakePad{} }
func (d fakeDevices) Status() any                    { return []string{"fake"} }

type okFace struct{}

func (okFace) CheckFace(_ context.Context, st *capture.Still) (*enroll.FaceResult, error) {
	return &enroll.FaceResult{JPEG: st.JPEG}, nil
}

type idAnalyzer struct {
	mu  stdsync.Mutex
	ids map[*matcher.Prepared]byte
}

func (a *idAnalyzer) AnalyzeFinger(_ context.Context, img *capture.FingerImage, pos int) (*enroll.FingerAnalysis, error) {
	t := &matcher.Template{Width: 64, Height: 64, ResX: 197, ResY: 197, Minutiae: []matcher.Minutia{{X: 5, Y: 5}}}
	p := matcher.Prepare(t)
	a.mu.Lock()
	a.ids[p] = img.Pix[1]
	a.mu.Unlock()
	return &enroll.FingerAnalysis{Quality: int(img.Pix[0]), Template: t, Prepared: p}, nil
}

func (a *idAnalyzer) Compare(x, y *matcher.Prepared) float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ids[x] == a.ids[y] {
		return 1
	}
	return 0
}

type memAudit struct {
	mu     stdsync.Mutex
	events []enroll.Event
}

func (m *memAudit) Record(_ context.Context, e enroll.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
	return nil
}

type memOutbox struct{ n int }

func (o *memOutbox) Commit(_ context.Context, p enroll.Packet) (string, error) {
	o.n++
	return fmt.Sprintf("pkt-%d", o.n), nil
}

type noHits struct{}

func (noHits) Search(context.Context, []*matcher.Template) ([]enroll.Candidate, error) {
	return nil, nil
}

// clock is a settable time source.
type clock struct {
	mu stdsync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type rig struct {
	srv    *Server
	ts     *httptest.Server
	clock  *clock
	sc     *fakeScanner
	audit  *memAudit
	outbox *memOutbox
}

func hash(t testing.TB, pw string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{clock: &clock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}, sc: &fakeScanner{}, audit: &memAudit{}, outbox: &memOutbox{}}
	a := &idAnalyzer{ids: map[*matcher.Prepared]byte{}}
	srv, err := New(Options{
		Accounts: []Account{
			{ID: "olga", Name: "Olga Officer", Role: enroll.RoleOfficer, PasswordHash: hash(t, "olga-pw")},
			{ID: "otto", Name: "Otto Officer", Role: enroll.RoleOfficer, PasswordHash: hash(t, "otto-pw")},
			{ID: "sam", Name: "Sam Supervisor", Role: enroll.RoleSupervisor, PasswordHash: hash(t, "sam-pw")},
			{ID: "sue", Name: "Sue Supervisor", Role: enroll.RoleSupervisor, PasswordHash: hash(t, "sue-pw")},
		},
		MinBcryptCost: bcrypt.MinCost,
		Profiles:      []enroll.Profile{{Name: "visa", Fingers: []int{2, 7}, Face: true, Signature: true}},
		Devices:       fakeDevices{cam: &fakeCamera{still: testJPEG(320, 240)}, sc: r.sc},
		Enroll: enroll.Options{Auditor: r.audit, FaceChecker: okFace{}, Analyzer: a, Comparer: a, Searcher: noHits{},
			Builder: &enroll.NISTBuilder{ORI: "ST01"}, Outbox: r.outbox},
		Now:           r.clock.Now,
		SignatureIdle: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.srv = srv
	r.ts = httptest.NewServer(srv)
	t.Cleanup(r.ts.Close)
	return r
}

// client is one browser: a cookie jar and the CSRF token.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

func (r *rig) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: r.ts.URL, hc: &http.Client{Jar: jar}}
}

func (c *client) do(method, path, body string) (int, string) {
	c.t.Helper()
	var rd *strings.Reader
	if body == "" {
		rd = strings.NewReader("")
	} else {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

func (c *client) login(user, pw string) int {
	c.t.Helper()
	code, body := c.do("POST", "/api/v1/desk/login", fmt.Sprintf(`{"user":%q,"password":%q}`, user, pw))
	if code == 200 {
		i := strings.Index(body, `"csrf":"`)
		c.csrf = body[i+8 : i+8+strings.Index(body[i+8:], `"`)]
	}
	return code
}
