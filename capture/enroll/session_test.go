package enroll

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/signature"
	"github.com/enrolld/enrolld/matcher"
)

var (
	officer = Actor{ID: "olga", Role: RoleOfficer}
	super   = Actor{ID: "sam", Role: RoleSupervisor}
	today   = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
)

type memAudit struct {
	events []Event
	fail   bool
}

func (a *memAudit) Record(_ context.Context, e Event) error {
	if a.fail {
		return errors.New("disk gone")
	}
	a.events = append(a.events, e)
	return nil
}

func (a *memAudit) actions() string {
	var s []string
	for _, e := range a.events {
		s = append(s, e.Action)
	}
	return strings.Join(s, ",")
}

// fakeFace accepts stills wider than 100 px.
type fakeFace struct{}

func (fakeFace) CheckFace(_ context.Context, st *capture.Still) (*FaceResult, error) {
	if st.Width <= 100 {
		return &FaceResult{Problems: []string{"face too small: move closer"}}, nil
	}
	return &FaceResult{JPEG: st.JPEG}, nil
}

// fakeAnalyzer reads the quality from Pix[0] and the finger's identity from Pix[1]; fakeCmp
// says two templates match when their identities agree.
type fakeAnalyzer struct{ ids map[*matcher.Prepared]byte }

func (f *fakeAnalyzer) AnalyzeFinger(_ context.Context, img *capture.FingerImage, pos int) (*FingerAnalysis, error) {
	t := &matcher.Template{Width: img.Width, Height: img.Height, ResX: 197, ResY: 197, Position: uint8(pos),
		Minutiae: []matcher.Minutia{{X: 10, Y: 10}, {X: 50, Y: 60}}}
	p := matcher.Prepare(t)
	f.ids[p] = img.Pix[1]
	return &FingerAnalysis{Quality: int(img.Pix[0]), Template: t, Prepared: p}, nil
}

type fakeCmp struct{ a *fakeAnalyzer }

func (c fakeCmp) Compare(x, y *matcher.Prepared) float64 {
	if c.a.ids[x] == c.a.ids[y] {
		return 0.9
	}
	return 0.01
}

type fakeSearch struct{ hits []Candidate }

func (f fakeSearch) Search(_ context.Context, probes []*matcher.Template) ([]Candidate, error) {
	if len(probes) == 0 {
		return nil, errors.New("no probes")
	}
	return f.hits, nil
}

// memOutbox keeps packets and, as the real outbox does in the same transaction, their audit
// events.
type memOutbox struct {
	packets []Packet
	audit   *memAudit
	fail    bool
}

func (o *memOutbox) Commit(ctx context.Context, p Packet) (string, error) {
	if o.fail {
		return "", errors.New("refused: disk low")
	}
	for _, e := range p.Audit {
		if err := o.audit.Record(ctx, e); err != nil {
			return "", err
		}
	}
	o.packets = append(o.packets, p)
	return fmt.Sprintf("pkt-%d", len(o.packets)), nil
}

func finger(quality, identity byte) *capture.FingerImage {
	pix := make([]byte, 128*128)
	for i := range pix {
		pix[i] = byte(i*7) ^ identity
	}
	pix[0], pix[1] = quality, identity
	return &capture.FingerImage{GrayImage: capture.GrayImage{Width: 128, Height: 128, Pix: pix, DPI: 500}, Captured: today}
}

func testSig() *signature.Signature {
	var s signature.Signature
	t := today
	for stroke := 0; stroke < 3; stroke++ {
		for i := 0; i < 40; i++ {
			t = t.Add(10 * time.Millisecond)
			s.Samples = append(s.Samples, capture.PenSample{X: 100 + i*40, Y: 200 + stroke*300, XMM: float64(i) * 1.0,
				YMM: float64(stroke) * 10, Pressure: 500, MaxPressure: 1023, Tip: true, Proximity: true, Time: t})
		}
		s.Samples = append(s.Samples, capture.PenSample{Proximity: true, Time: t})
	}
	return &s
}

type rig struct {
	audit  *memAudit
	outbox *memOutbox
	opt    Options
}

func newRig(hits ...Candidate) *rig {
	a := &fakeAnalyzer{ids: map[*matcher.Prepared]byte{}}
	r := &rig{audit: &memAudit{}}
	r.outbox = &memOutbox{audit: r.audit}
	r.opt = Options{Auditor: r.audit, FaceChecker: fakeFace{}, Analyzer: a, Comparer: fakeCmp{a}, Searcher: fakeSearch{hits},
		Builder: &NISTBuilder{ORI: "STATION01"}, Outbox: r.outbox, Now: func() time.Time { return today }}
	return r
}

func testCase() Case {
	return Case{Receipt: "202611200001", Type: "visa", Name: "Ana Müller", DateOfBirth: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)}
}

func mustStill(t *testing.T) *capture.Still {
	t.Helper()
	return &capture.Still{JPEG: testJPEG(t, 240, 320), Width: 240, Height: 320, Captured: today}
}
