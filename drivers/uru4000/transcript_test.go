package uru4000_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/uru4000"
	"github.com/enrolld/enrolld/drivers/uru4000/emu"
)

// realSession is the transfer sequence of a real U.are.U 4500 session (devices.md),
// as the reader sees it, for host seed 0x1234abcd: power-up, device info, await finger,
// the bulk read submitted before capture mode, the key exchange for key number 0,
// await lift, off, and the host cancelling its pending interrupt read.
var realSession = []string{
	"read 07 = 01",
	"write 07 81",
	"write 07 01",
	"interrupt 56aa",
	"read 07 = 01",
	"read f0 = *",
	"write 4e 10",
	"interrupt 56aa",
	"interrupt 56aa",
	"interrupt 0101",
	"bulk submit 111424",
	"write 4e 20",
	"bulk frame 111040",
	"write 33 00cdab3412",
	"read 34 = *",
	"write 4e 12",
	"interrupt 0200",
	"write 4e 70",
	"interrupt cancelled",
}

// matchTranscript compares got with want, where a trailing "*" in want matches any
// rest of the line.
func matchTranscript(t *testing.T, got, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		w, wild := strings.CutSuffix(want[i], "*")
		ok = got[i] == want[i] || wild && strings.HasPrefix(got[i], w)
	}
	if !ok {
		t.Fatalf("transcript differs:\ngot:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestTranscriptOfARealSession(t *testing.T) {
	e := newEmu(t, emu.Options{})
	e.Present(testFinger(51))
	o := uru4000.Options{SeedSource: uru4000.FixedSeed(0x1234abcd)}
	d, err := uru4000.Open(testContext(t), e, &o)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{e: e, d: d}
	if _, err := r.capture(testContext(t)); err != nil {
		t.Fatal(err)
	}
	matchTranscript(t, e.Transcript(), realSession)
}

func TestTranscriptOfASecondCapture(t *testing.T) {
	r := newRig(t, emu.Options{}, uru4000.Options{SeedSource: uru4000.FixedSeed(0x1234abcd)})
	r.presentAndCapture(t, testFinger(52))
	first := len(r.e.Transcript())
	r.presentAndCapture(t, testFinger(53))
	// The second capture powers up again (the first ended in mode off) but does not
	// read the device info.
	want := slices.Concat(realSession[:5], realSession[6:])
	matchTranscript(t, r.e.Transcript()[first:], want)
}

func TestTranscriptOfPowerRebootAndRetries(t *testing.T) {
	e := newEmu(t, emu.Options{RebootReads: 2})
	e.NeedReboot()
	e.Inject(emu.FaultNoPowerOn)
	o := fastOptions()
	if _, err := uru4000.Open(testContext(t), e, &o); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"read 07 = 85", "write 07 05", "read 07 = 00", "read 07 = 00", "read 07 = 01",
		"write 07 81", "write 07 01", // no power-on interrupt: a fresh interrupt read, try again
		"interrupt cancelled",
		"read 07 = 01", "write 07 81", "write 07 01", "interrupt 56aa", "read 07 = 01",
		"read f0 = *",
	}
	matchTranscript(t, e.Transcript(), want)
}

func TestTranscriptOfStallRecovery(t *testing.T) {
	r := newRig(t, emu.Options{}, fastOptions())
	r.e.Inject(emu.FaultStall)
	r.e.Present(testFinger(54))
	before := len(r.e.Transcript())
	if _, err := r.capture(testContext(t)); err == nil {
		t.Fatal("stalled capture succeeded")
	}
	want := []string{
		"write 4e 10", "interrupt 56aa", "interrupt 56aa", "interrupt 0101",
		"write 4e 20", "clear halt 82", "write 4e 70", "interrupt cancelled",
	}
	matchTranscript(t, r.e.Transcript()[before:], want)
}

// TestCaptureModeBeforeBulkReadIsCaught shows the emulator notices a host that sets
// capture mode before its bulk read is waiting, so the transcript test can fail.
func TestCaptureModeBeforeBulkReadIsCaught(t *testing.T) {
	e := newEmu(t, emu.Options{CaptureWait: 20 * time.Millisecond})
	ctx := testContext(t)
	for _, v := range []byte{0x81, 0x01} {
		if _, err := e.Control(ctx, uru4000.RequestTypeWrite, uru4000.RequestRegister, uru4000.RegHWStat, 0, []byte{v}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Control(ctx, uru4000.RequestTypeWrite, uru4000.RequestRegister, uru4000.RegMode, 0, []byte{uru4000.ModeCapture}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, uru4000.FrameBufferSize)
	if _, err := e.Read(ctx, uru4000.EndpointData, buf); err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.CaptureWithoutRead != 1 {
		t.Fatalf("CaptureWithoutRead = %d, want 1", st.CaptureWithoutRead)
	}
	tr := e.Transcript()
	if i, j := slices.Index(tr, "write 4e 20"), slices.Index(tr, "bulk submit 111424"); i < 0 || j < i {
		t.Fatalf("transcript does not show the late read: %v", tr)
	}
}
