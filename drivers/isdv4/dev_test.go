package isdv4_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/devmetrics"
	"github.com/enrolld/enrolld/drivers/isdv4"
	"github.com/enrolld/enrolld/drivers/isdv4/emu"
	"github.com/enrolld/enrolld/drivers/serial"
)

var fastOpts = &isdv4.Options{StopSettle: 20 * time.Millisecond, QueryTimeout: 400 * time.Millisecond, PollInterval: 20 * time.Millisecond}

func startEmu(t *testing.T, o *emu.Options) (*emu.Emulator, *serial.Conn) {
	t.Helper()
	e, err := emu.Start(o)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	port, err := serial.Open(e.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	return e, port
}

var zigzag = []emu.Stroke{
	{{X: 20, Y: 20}, {X: 30, Y: 25}, {X: 40, Y: 20}},
	{{X: 50, Y: 30}, {X: 50, Y: 40}},
}

// stream runs d.Stream while draw runs, and returns the samples received.
func stream(t *testing.T, d *isdv4.Dev, e *emu.Emulator, draw func(ctx context.Context) error) ([]capture.PenSample, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := make(chan capture.PenSample, 4096)
	errc := make(chan error, 1)
	go func() { errc <- d.Stream(ctx, out) }()
	if err := e.WaitSampling(ctx); err != nil {
		t.Fatalf("driver never started sampling: %v", err)
	}
	if err := draw(ctx); err != nil && !errors.Is(err, emu.ErrUnplugged) {
		t.Fatal(err)
	}
	// The last packet left the emulator; stop once the driver has gone quiet (a
	// loaded machine may take a while to deliver what is in the pty's buffer).
	for n := -1; n != len(out); {
		n = len(out)
		time.Sleep(300 * time.Millisecond)
	}
	cancel()
	err := <-errc
	close(out)
	var got []capture.PenSample
	for s := range out {
		got = append(got, s)
	}
	return got, err
}

func TestStreamOverPty(t *testing.T) {
	e, port := startEmu(t, nil)
	d, err := isdv4.New(context.Background(), port, fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	caps := isdv4.QueryReply{MaxX: 26202, MaxY: 16325, MaxPressure: 1023, Version: 22}
	if d.Caps() != caps || d.BaudRate() != 19200 {
		t.Fatalf("caps %+v at %d baud", d.Caps(), d.BaudRate())
	}
	got, err := stream(t, d, e, func(ctx context.Context) error { return e.Draw(ctx, zigzag) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Stream returned %v, want context.Canceled", err)
	}
	want := emu.Packets(zigzag, caps, emu.Motion{})
	if len(got) != len(want) {
		t.Fatalf("got %d samples, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.X != w.X || g.Y != w.Y || g.Pressure != w.Pressure || g.Tip != w.Tip || g.Proximity != w.Proximity || g.MaxPressure != 1023 {
			t.Fatalf("sample %d = %+v, want packet %+v", i, g, w)
		}
		if i > 0 && g.Time.Before(got[i-1].Time) {
			t.Fatalf("sample %d is dated before sample %d", i, i-1)
		}
		if g.XMM != float64(w.X)/100 || g.Time.IsZero() {
			t.Fatalf("sample %d: %v mm, time %v", i, g.XMM, g.Time)
		}
	}
	for i := 0; i < 100 && len(e.Commands()) < 4; i++ {
		time.Sleep(5 * time.Millisecond) // the stop is on its way through the pty
	}
	if cmds := string(e.Commands()); cmds != "0*10" {
		t.Errorf("emulator heard %q, want stop, query, start, stop", cmds)
	}
	if err := d.Halt(); err != nil || d.Halt() != nil {
		t.Errorf("Halt: %v", err)
	}
	if err := d.Stream(context.Background(), make(chan capture.PenSample)); !errors.Is(err, isdv4.ErrHalted) {
		t.Errorf("Stream after Halt: %v", err)
	}
}

func TestBaudFallback(t *testing.T) {
	for _, mode := range []emu.WrongBaud{emu.WrongBaudSilence, emu.WrongBaudGarbage} {
		e, port := startEmu(t, &emu.Options{BaudRate: 38400, WrongBaud: mode})
		d, err := isdv4.New(context.Background(), port, fastOpts)
		if err != nil {
			t.Fatalf("mode %d: %v", mode, err)
		}
		if d.BaudRate() != 38400 || port.BaudRate() != 38400 {
			t.Errorf("mode %d: settled on %d baud", mode, d.BaudRate())
		}
		cmds := string(e.Commands())
		if mode == emu.WrongBaudSilence && cmds != "0*" {
			t.Errorf("silent sensor heard %q at the wrong rate", cmds)
		}
		if mode == emu.WrongBaudGarbage && cmds != "0*0*" {
			t.Errorf("garbling sensor heard %q", cmds)
		}
	}
}

func TestNoAnswer(t *testing.T) {
	_, port := startEmu(t, &emu.Options{BaudRate: 9600, WrongBaud: emu.WrongBaudGarbage})
	_, err := isdv4.New(context.Background(), port, fastOpts)
	if !errors.Is(err, isdv4.ErrNoAnswer) {
		t.Fatalf("New on a 9600-baud sensor: %v, want ErrNoAnswer", err)
	}
}

func TestNoiseAndTruncation(t *testing.T) {
	e, port := startEmu(t, &emu.Options{Seed: 7})
	o := *fastOpts
	o.Metrics = devmetrics.New(nil)
	d, err := isdv4.New(context.Background(), port, &o)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := stream(t, d, e, func(ctx context.Context) error {
		e.InjectNoise(40)
		e.InjectTruncated(3)
		return e.Draw(ctx, zigzag)
	})
	want := emu.Packets(zigzag, d.Caps(), emu.Motion{})
	// Every sample received is one sent, in order; the truncated ones are lost, and
	// noise may cost a packet or two more by cutting into one.
	j := 0
	for _, g := range got {
		for j < len(want) && (want[j].X != g.X || want[j].Y != g.Y || want[j].Pressure != g.Pressure) {
			j++
		}
		if j == len(want) {
			t.Fatalf("received sample %+v was never sent (or out of order)", g)
		}
		j++
	}
	if lost := len(want) - len(got); lost < 3 || lost > 6 {
		t.Errorf("lost %d packets, want 3 truncated (+ at most 3 hit by noise)", lost)
	}
	st := d.Stats()
	if st.Truncated < 3 {
		t.Errorf("scanner stats %+v: want the 3 truncated packets counted", st)
	}
	if n := testutil.CollectAndCount(o.Metrics, "enrolld_device_io_errors_total"); n != 2 {
		t.Errorf("%d device error series, want noise and truncated", n)
	}
}

func TestUnplugDuringStream(t *testing.T) {
	e, port := startEmu(t, nil)
	d, err := isdv4.New(context.Background(), port, fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = stream(t, d, e, func(ctx context.Context) error {
		go func() {
			time.Sleep(50 * time.Millisecond)
			e.Unplug()
		}()
		return e.Draw(ctx, zigzag)
	})
	if !errors.Is(err, capture.ErrUnplugged) {
		t.Fatalf("Stream after unplug: %v, want capture.ErrUnplugged", err)
	}
}

// TestProbeWhileSampling: the sensor is already streaming a stroke when the driver
// starts; stop, settle and flush must clear the line before the query.
func TestProbeWhileSampling(t *testing.T) {
	e, port := startEmu(t, &emu.Options{SamplingAtStart: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	long := []emu.Stroke{{{X: 10, Y: 10}, {X: 200, Y: 10}, {X: 200, Y: 150}}}
	go e.Draw(ctx, long)
	time.Sleep(30 * time.Millisecond) // packets are on the line
	d, err := isdv4.New(context.Background(), port, fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	if d.Caps().MaxX != 26202 {
		t.Errorf("caps %+v", d.Caps())
	}
}

// TestOverNullModem puts go.bug.st/serial on both sides: the driver and the emulator
// each open one end of a null-modem pair of pseudo-terminals, and the cable garbles
// (or swallows) what crosses while their rates differ, as a real cable does.
func TestOverNullModem(t *testing.T) {
	for _, m := range []serial.Mismatch{serial.MismatchGarble, serial.MismatchSilence} {
		nm, err := serial.OpenNullModem(m, 3)
		if err != nil {
			t.Skipf("no pseudo-terminals: %v", err)
		}
		defer nm.Close()
		emuPort, err := serial.Open(nm.PathB(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer emuPort.Close()
		e, err := emu.StartOn(emuPort, &emu.Options{BaudRate: 38400})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		port, err := serial.Open(nm.PathA(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer port.Close()
		d, err := isdv4.New(context.Background(), port, fastOpts)
		if err != nil {
			t.Fatalf("mismatch mode %d: %v", m, err)
		}
		if d.BaudRate() != 38400 {
			t.Errorf("found the pad at %d baud", d.BaudRate())
		}
		got, err := stream(t, d, e, func(ctx context.Context) error { return e.Draw(ctx, zigzag) })
		if !errors.Is(err, context.Canceled) || len(got) != len(emu.Packets(zigzag, d.Caps(), emu.Motion{})) {
			t.Errorf("mode %d: %d samples, %v", m, len(got), err)
		}
		d.Halt()
	}
}
