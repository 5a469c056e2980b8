package enroll

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/record/ansinist"
	"github.com/enrolld/enrolld/capture/signature"
)

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCaseValidate(t *testing.T) {
	now := today
	dob := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		c    Case
		ok   bool
	}{
		{"good", Case{"202611200001", "visa", "A B", dob}, true},
		{"today", Case{"202611220001", "visa", "A B", dob}, true},
		{"future", Case{"202611230001", "visa", "A B", dob}, false},
		{"feb 30", Case{"202402300001", "visa", "A B", dob}, false},
		{"month 13", Case{"202613010001", "visa", "A B", dob}, false},
		{"letters", Case{"2026112A0001", "visa", "A B", dob}, false},
		{"too short", Case{"20261120", "visa", "A B", dob}, false},
		{"too old", Case{"201001010001", "visa", "A B", dob}, false},
		{"no type", Case{"202611200001", " ", "A B", dob}, false},
		{"no name", Case{"202611200001", "visa", "", dob}, false},
		{"control in name", Case{"202611200001", "visa", "A\x1dB", dob}, false},
		{"born after registration", Case{"202611200001", "visa", "A B", now}, false},
		{"no birth date", Case{"202611200001", "visa", "A B", time.Time{}}, false},
	} {
		err := tc.c.Validate(now)
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrCase) {
			t.Errorf("%s: error %v does not wrap ErrCase", tc.name, err)
		}
	}
}

func TestProfileValidate(t *testing.T) {
	for _, p := range DefaultProfiles() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	for _, p := range []Profile{{Name: "x"}, {Name: "x", Fingers: []int{11}}, {Name: "x", Fingers: []int{2, 2}}, {Fingers: []int{2}}} {
		if err := p.Validate(); !errors.Is(err, ErrProfile) {
			t.Errorf("%+v: Validate = %v, want ErrProfile", p, err)
		}
	}
}

// TestFullEnrollment runs a visa enrollment with a low-quality finger, a duplicate, a
// missing-finger exception approved by a supervisor, a search hit and the commit, and
// checks the transaction.
func TestFullEnrollment(t *testing.T) {
	ctx := context.Background()
	r := newRig(Candidate{SubjectID: "S-0042", Score: 0.4})
	p := Profile{Name: "visa", Fingers: []int{2, 7, 3}, Face: true, Signature: true}
	s, err := Start(ctx, testCase(), p, officer, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Step() != StepFace {
		t.Fatalf("first step %s", s.Step())
	}
	if _, err := s.SubmitFace(ctx, officer, &capture.Still{JPEG: []byte{1}, Width: 50, Height: 50}); !errors.Is(err, ErrRejected) {
		t.Fatalf("small face: %v", err)
	}
	if _, err := s.SubmitFace(ctx, officer, mustStill(t)); err != nil {
		t.Fatal(err)
	}
	// Right index: quality 20, 30, 25 → the best (30) kept after three attempts.
	for i, q := range []byte{20, 30, 25} {
		out, err := s.SubmitFinger(ctx, officer, finger(q, 1))
		if i < 2 && (!errors.Is(err, ErrRejected) || out.Accepted || out.Retries != 2-i) {
			t.Fatalf("attempt %d: %+v %v", i+1, out, err)
		}
		if i == 2 && (err != nil || !out.Accepted || !out.Low || out.Next != 7) {
			t.Fatalf("attempt 3: %+v %v", out, err)
		}
	}
	if f := s.FingerImage(2); f.Analysis.Quality != 30 || f.Attempt != 2 {
		t.Fatalf("kept attempt %d quality %d, want the best (2, 30)", f.Attempt, f.Analysis.Quality)
	}
	// Left index: the right index presented again.
	out, err := s.SubmitFinger(ctx, officer, finger(90, 1))
	if !errors.Is(err, ErrDuplicate) || out.SameAs != 2 {
		t.Fatalf("duplicate: %+v %v", out, err)
	}
	if out, err = s.SubmitFinger(ctx, officer, finger(80, 2)); err != nil || !out.Accepted || out.Next != 3 {
		t.Fatalf("left index: %+v %v", out, err)
	}
	// Right middle: bandaged.
	if _, err := s.MissingFinger(ctx, officer, "ZZ", "bandaged"); err == nil {
		t.Fatal("bad code accepted")
	}
	ex, err := s.MissingFinger(ctx, officer, CodeUnableToPrint, "bandaged after an accident")
	if err != nil {
		t.Fatal(err)
	}
	if s.Step() != StepSignature {
		t.Fatalf("after fingers: %s", s.Step())
	}
	if err := s.SubmitSignature(ctx, officer, &signature.Signature{}); !errors.Is(err, ErrRejected) {
		t.Fatalf("empty signature: %v", err)
	}
	if err := s.SubmitSignature(ctx, officer, testSig()); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, officer)
	if err != nil || !res.Hit() || s.Step() != StepSearch {
		t.Fatalf("search: %+v %v %s", res, err, s.Step())
	}
	if err := s.Decide(ctx, officer, DecisionContinue, "", ""); !errors.Is(err, ErrRejected) {
		t.Fatalf("continue without justification: %v", err)
	}
	if err := s.Decide(ctx, officer, DecisionReuse, "S-9999", ""); !errors.Is(err, ErrRejected) {
		t.Fatalf("reuse of a non-candidate: %v", err)
	}
	if err := s.Decide(ctx, officer, DecisionContinue, "", "namesake, different date of birth"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, officer); !errors.Is(err, ErrPending) {
		t.Fatalf("commit with an open exception: %v", err)
	}
	if err := s.Approve(ctx, Actor{ID: "olga", Role: RoleSupervisor}, ex.ID, "ok"); !errors.Is(err, ErrFourEyes) {
		t.Fatalf("self-approval: %v", err)
	}
	if err := s.Approve(ctx, Actor{ID: "otto", Role: RoleOfficer}, ex.ID, "ok"); !errors.Is(err, ErrRole) {
		t.Fatalf("officer approval: %v", err)
	}
	if err := s.Approve(ctx, super, ex.ID, "seen the bandage"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, super); !errors.Is(err, ErrRole) {
		t.Fatalf("commit by someone else: %v", err)
	}
	id, err := s.Commit(ctx, officer)
	if err != nil || id != "pkt-1" || s.Step() != StepCommitted {
		t.Fatalf("commit: %q %v %s", id, err, s.Step())
	}
	if _, err := s.Commit(ctx, officer); !errors.Is(err, ErrClosed) {
		t.Fatalf("second commit: %v", err)
	}
	pk := r.outbox.packets[0]
	tx, err := ansinist.Unmarshal(pk.Transaction)
	if err != nil {
		t.Fatal(err)
	}
	if got := typeList(tx); got != "1,2,10,14,14,8" {
		t.Errorf("record types %s, want 1,2,10,14,14,8", got)
	}
	if err := tx.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if got := tx.Records[1].Text(10); got != "202611200001" {
		t.Errorf("2.010 = %q", got)
	}
	if f := tx.Records[1].Field(31); f == nil || f.Item(0, 0) != "missing_finger" || f.Item(0, 2) != "UP" || f.Item(0, 3) != "sam" {
		t.Errorf("2.031 exceptions = %+v", f)
	}
	if pk.OperatorID != "olga" || len(pk.CaptureTimes) != 4 {
		t.Errorf("packet operator %q, %d capture times", pk.OperatorID, len(pk.CaptureTimes))
	}
	want := "start,face-rejected,face-accepted,finger-rejected,finger-rejected,finger-accepted,finger-rejected,finger-accepted," +
		"exception-raised,signature-rejected,signature-accepted,search,search-decision,exception-approved,committed"
	if got := r.audit.actions(); got != want {
		t.Errorf("audit\n got %s\nwant %s", got, want)
	}
	for _, e := range r.audit.events {
		if e.Case != "202611200001" || e.Actor == "" {
			t.Errorf("audit event without case or actor: %+v", e)
		}
	}
}

func typeList(tx *ansinist.Transaction) string {
	var b []byte
	for i, r := range tx.Records {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, []byte(itoa(r.Type))...)
	}
	return string(b)
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestAuditFailureBlocksAction(t *testing.T) {
	ctx := context.Background()
	r := newRig()
	s, err := Start(ctx, testCase(), Profile{Name: "v", Fingers: []int{2}}, officer, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	r.audit.fail = true
	if _, err := s.SubmitFinger(ctx, officer, finger(90, 1)); !errors.Is(err, ErrAudit) {
		t.Fatalf("SubmitFinger with a broken audit: %v", err)
	}
	if sum := s.Summary(); sum.Fingers[0].Captured || sum.Fingers[0].Attempts != 0 {
		t.Fatalf("finger kept without an audit entry: %+v", sum.Fingers[0])
	}
	r.audit.fail = false
	if out, err := s.SubmitFinger(ctx, officer, finger(90, 1)); err != nil || !out.Accepted {
		t.Fatalf("after the audit recovered: %+v %v", out, err)
	}
	// Neither a redo nor a cancellation discards anything without its entry.
	r.audit.fail = true
	if err := s.Redo(ctx, officer, StepFingers); !errors.Is(err, ErrAudit) {
		t.Fatalf("Redo with a broken audit: %v", err)
	}
	if err := s.Cancel(ctx, officer, "applicant left"); !errors.Is(err, ErrAudit) {
		t.Fatalf("Cancel with a broken audit: %v", err)
	}
	if sum := s.Summary(); !sum.Fingers[0].Captured || sum.Step == StepFingers || sum.Step == StepCancelled {
		t.Fatalf("the finger was discarded without an audit entry: %+v", sum)
	}
	if got := r.audit.actions(); got != "start,finger-accepted" {
		t.Fatalf("audit %s", got)
	}
}

func TestCommitFailureIsRetryable(t *testing.T) {
	ctx := context.Background()
	r := newRig()
	s, err := Start(ctx, testCase(), Profile{Name: "v", Fingers: []int{2}}, officer, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitFinger(ctx, officer, finger(90, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Search(ctx, officer); err != nil || s.Step() != StepReview {
		t.Fatalf("no-hit search: %v %s", err, s.Step())
	}
	r.outbox.fail = true
	if _, err := s.Commit(ctx, officer); err == nil || s.Step() != StepReview {
		t.Fatalf("failed commit: %v, step %s", err, s.Step())
	}
	if got := r.audit.actions(); got != "start,finger-accepted,search,commit-failed" {
		t.Fatalf("audit after a failed commit: %s", got)
	}
	r.outbox.fail = false
	if id, err := s.Commit(ctx, officer); err != nil || id != "pkt-1" || len(r.outbox.packets) != 1 {
		t.Fatalf("retried commit: %q %v", id, err)
	}
	if a := r.outbox.packets[0].Audit; len(a) != 1 || a[0].Action != "committed" || a[0].Actor != "olga" || a[0].Case != "202611200001" {
		t.Fatalf("the packet's audit events: %+v", a)
	}
}

func TestRedoAndCancel(t *testing.T) {
	ctx := context.Background()
	r := newRig()
	s, err := Start(ctx, testCase(), Profile{Name: "v", Fingers: []int{2, 7}, Signature: true}, officer, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitFace(ctx, officer, mustStill(t)); !errors.Is(err, ErrStep) {
		t.Fatalf("face in a profile without face: %v", err)
	}
	for id := byte(1); id <= 2; id++ {
		if _, err := s.SubmitFinger(ctx, officer, finger(90, id)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UnableToSign(ctx, officer, ""); !errors.Is(err, ErrRejected) {
		t.Fatalf("unable to sign without a note: %v", err)
	}
	if _, err := s.UnableToSign(ctx, officer, "arm in plaster"); err != nil {
		t.Fatal(err)
	}
	if err := s.Redo(ctx, officer, StepFingers); err != nil {
		t.Fatal(err)
	}
	if sum := s.Summary(); sum.Step != StepFingers || sum.Fingers[0].Captured || sum.Current != 2 || len(sum.Exceptions) != 1 {
		t.Fatalf("after redo: %+v", sum)
	}
	if err := s.Redo(ctx, officer, StepFace); !errors.Is(err, ErrStep) {
		t.Fatalf("redo of a step the profile lacks: %v", err)
	}
	if err := s.Cancel(ctx, officer, ""); err == nil {
		t.Fatal("cancel without a reason")
	}
	if err := s.Cancel(ctx, officer, "applicant left"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitFinger(ctx, officer, finger(90, 1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("capture after cancel: %v", err)
	}
	if len(r.outbox.packets) != 0 {
		t.Fatal("a cancelled enrollment reached the outbox")
	}
}

func TestStartRules(t *testing.T) {
	ctx := context.Background()
	r := newRig()
	if _, err := Start(ctx, testCase(), Profile{Name: "v", Fingers: []int{2}}, Actor{ID: "x", Role: "auditor"}, r.opt); !errors.Is(err, ErrRole) {
		t.Errorf("start by an auditor: %v", err)
	}
	bad := testCase()
	bad.Receipt = "202699990001"
	if _, err := Start(ctx, bad, Profile{Name: "v", Fingers: []int{2}}, officer, r.opt); !errors.Is(err, ErrCase) {
		t.Errorf("bad receipt: %v", err)
	}
	opt := r.opt
	opt.Analyzer = nil
	if _, err := Start(ctx, testCase(), Profile{Name: "v", Fingers: []int{2}}, officer, opt); !errors.Is(err, ErrProfile) {
		t.Errorf("fingers without analyzer: %v", err)
	}
}

func TestOverlongJustificationRefused(t *testing.T) {
	ctx := context.Background()
	r := newRig()
	s, err := Start(ctx, testCase(), Profile{Name: "v", Fingers: []int{2}}, officer, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Cancel(ctx, officer, strings.Repeat("x", MaxJustification+1)); !errors.Is(err, ErrRejected) || s.Step() == StepCancelled {
		t.Fatalf("overlong reason: %v, step %s", err, s.Step())
	}
	if err := s.Cancel(ctx, officer, strings.Repeat("x", MaxJustification)); err != nil || s.Step() != StepCancelled {
		t.Fatalf("longest reason: %v, step %s", err, s.Step())
	}
	if got := r.audit.actions(); got != "start,cancel" {
		t.Fatalf("audit %s", got)
	}
}
