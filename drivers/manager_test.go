package drivers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

func newTestManager(t *testing.T, bus usb.Bus) (*Manager, *fakeLab, *prometheus.Registry) {
	t.Helper()
	lab := &fakeLab{}
	reg := prometheus.NewPedanticRegistry()
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	m, err := NewManager(ManagerOptions{
		Registry:    newFakeRegistry(lab, hang, &fakeScanner{model: "late"}),
		Bus:         bus,
		Registerer:  reg,
		OpenTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, lab, reg
}

func TestManagerStates(t *testing.T) {
	m, _, _ := newTestManager(t, nil)
	specs := []Spec{
		{Name: "finger", Driver: "fake", Emulate: true, Options: Options{"model": "F1"}},
		{Name: "broken", Driver: "fake", Emulate: true, Options: Options{"model": "broken"}},
		{Name: "scanner", Driver: "uru4000", Emulate: true},
		{Name: "pad", Driver: "fakeserial", Emulate: true},
		{Name: "pad2", Driver: "fakeserial", Port: "/nonexistent/ttyS9"},
		{Name: "pad3", Driver: "fakeserial"},
		{Name: "usbdev", Driver: "fake"},
		{Name: "wrong", Driver: "fake", Port: "/dev/ttyS0"},
		{Name: "slow", Driver: "hang"},
	}
	tests := []struct {
		name   string
		state  State
		reason string
	}{
		{"finger", StateLoaded, ""},
		{"broken", StateFailed, "fake: empty model name"},
		{"scanner", StateFailed, `driver "uru4000" is not compiled into this build`},
		{"pad", StateFailed, `driver "fakeserial" has no emulator in this build`},
		{"pad2", StateSkipped, "serial port /nonexistent/ttyS9 does not exist"},
		{"pad3", StateFailed, "set port: to its serial port"},
		{"usbdev", StateFailed, "USB hardware access is not in this build"},
		{"wrong", StateFailed, "use usb:"},
		{"slow", StateFailed, "did not finish within 200ms"},
	}
	changes := m.Apply(context.Background(), specs)
	if len(changes) != len(specs) {
		t.Fatalf("got %d changes, want %d", len(changes), len(specs))
	}
	got := m.Devices()
	for i, tt := range tests {
		st := got[i]
		if st.Name != tt.name || st.State != tt.state || !strings.Contains(st.Reason, tt.reason) {
			t.Errorf("device %d = %s %s %q, want %s %s containing %q", i, st.Name, st.State, st.Reason,
				tt.name, tt.state, tt.reason)
		}
		if changes[i].Action != "added" || changes[i].Status.State != st.State {
			t.Errorf("change %d = %+v, want added in state %s", i, changes[i], st.State)
		}
	}
	if got[0].Info == nil || got[0].Info.Model != "F1" {
		t.Errorf("loaded device info = %+v, want model F1", got[0].Info)
	}
	if d, ok := m.Device("finger"); !ok || d.String() != "fake F1" {
		t.Errorf("Device(finger) = %v, %v", d, ok)
	}
	if _, ok := m.Device("broken"); ok {
		t.Error("Device(broken) found a device that failed")
	}
}

func TestManagerReload(t *testing.T) {
	m, lab, _ := newTestManager(t, nil)
	ctx := context.Background()
	a := Spec{Name: "a", Driver: "fake", Emulate: true, Options: Options{"model": "A"}}
	b := Spec{Name: "b", Driver: "fake", Emulate: true, Options: Options{"model": "B"}}
	m.Apply(ctx, []Spec{a, b})
	devA, _ := m.Device("a")
	devB, _ := m.Device("b")

	b2 := b
	b2.Options = Options{"model": "B2"}
	c := Spec{Name: "c", Driver: "fake", Emulate: true, Options: Options{"model": "C"}}
	changes := m.Apply(ctx, []Spec{b2, c})
	var actions []string
	for _, ch := range changes {
		actions = append(actions, ch.Status.Name+":"+ch.Action)
	}
	if got, want := strings.Join(actions, " "), "a:removed b:reopened c:added"; got != want {
		t.Errorf("changes = %s, want %s", got, want)
	}
	if devA.(*fakeScanner).halted.Load() != 1 || devB.(*fakeScanner).halted.Load() != 1 {
		t.Error("removed and reopened devices were not halted exactly once")
	}
	started := lab.devices()
	if len(started) != 4 || !started[0].closed.Load() || !started[1].closed.Load() || started[2].closed.Load() {
		t.Errorf("emulator transports: %d started; the first two must be closed, the others open", len(started))
	}
	if d, _ := m.Device("b"); d.Info().Model != "B2" {
		t.Errorf("b after reload has model %q, want B2", d.Info().Model)
	}

	changes = m.Apply(ctx, []Spec{b2, c})
	for _, ch := range changes {
		if ch.Action != "kept" {
			t.Errorf("unchanged loaded device %s: action %s, want kept", ch.Status.Name, ch.Action)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for _, d := range lab.devices() {
		if !d.closed.Load() {
			t.Error("Close left an emulator transport open")
		}
	}
	if len(m.Devices()) != 0 {
		t.Error("devices left after Close")
	}
}

func TestManagerUSBBus(t *testing.T) {
	bus := &fakeBus{devs: []*fakeUSB{
		{desc: usb.DeviceDesc{Bus: 1, Address: 4, ID: fakeID}, model: "one"},
		{desc: usb.DeviceDesc{Bus: 1, Address: 5, ID: usb.ID{Vendor: 1, Product: 2}}, model: "other"},
		{desc: usb.DeviceDesc{Bus: 2, Address: 7, ID: fakeID}, model: "two"},
	}}
	m, _, _ := newTestManager(t, bus)
	m.Apply(context.Background(), []Spec{
		{Name: "left", Driver: "fake"},
		{Name: "right", Driver: "fake", USB: fakeID},
		{Name: "third", Driver: "fake"},
	})
	got := m.Devices()
	for _, st := range got[:2] {
		if st.State != StateLoaded {
			t.Fatalf("%s: %s %s, want loaded", st.Name, st.State, st.Reason)
		}
	}
	if got[0].Info.Model != "one" || got[1].Info.Model != "two" {
		t.Errorf("left, right got %v, %v; want the devices in bus order: one, two", got[0].Info.Model, got[1].Info.Model)
	}
	if got[2].State != StateSkipped || !strings.Contains(got[2].Reason, "no USB device 1d50:6000 is connected") {
		t.Errorf("third = %s %q, want skipped: not connected", got[2].State, got[2].Reason)
	}

	bus.devs = append(bus.devs, &fakeUSB{desc: usb.DeviceDesc{Bus: 3, Address: 1, ID: fakeID}, model: "three"})
	changes := m.Retry(context.Background())
	if changes[2].Action != "retried" || changes[2].Status.State != StateLoaded {
		t.Errorf("retry after plugging in: %+v, want third retried and loaded", changes[2])
	}
	if changes[0].Action != "kept" {
		t.Errorf("retry touched a loaded device: %+v", changes[0])
	}
}

func TestManagerLateOpenIsReleased(t *testing.T) {
	lab := &fakeLab{}
	hang := make(chan struct{})
	late := &fakeScanner{model: "late"}
	m, err := NewManager(ManagerOptions{Registry: newFakeRegistry(lab, hang, late), OpenTimeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Apply(context.Background(), []Spec{{Name: "slow", Driver: "hang"}})
	close(hang)
	deadline := time.Now().Add(5 * time.Second)
	for late.halted.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if late.halted.Load() != 1 {
		t.Error("a device whose open finished after the timeout was not halted")
	}
}

// TestManagerOpenContext checks that the context a driver opened with stays valid
// after a successful open and is cancelled when an open times out.
func TestManagerOpenContext(t *testing.T) {
	keptc, timedOutc := make(chan context.Context, 1), make(chan context.Context, 2)
	r := &Registry{}
	r.Register(Driver{Name: "keeps", Kind: capture.KindFinger,
		OpenSDK: func(ctx context.Context, opts Options) (capture.Device, error) {
			keptc <- ctx
			return &fakeScanner{model: "k"}, nil
		}})
	r.Register(Driver{Name: "slow", Kind: capture.KindFinger,
		OpenSDK: func(ctx context.Context, opts Options) (capture.Device, error) {
			timedOutc <- ctx
			<-ctx.Done()
			return nil, ctx.Err()
		}})
	m, err := NewManager(ManagerOptions{Registry: r, OpenTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Apply(context.Background(), []Spec{{Name: "k", Driver: "keeps"}, {Name: "s", Driver: "slow"}})
	time.Sleep(50 * time.Millisecond) // past the open timeout
	kept, timedOut := <-keptc, <-timedOutc
	if kept.Err() != nil {
		t.Errorf("the context of a successful open was cancelled: %v", context.Cause(kept))
	}
	if timedOut.Err() == nil {
		t.Error("the context of a timed-out open is still live")
	}
	if st := m.Devices()[1]; st.State != StateFailed || !strings.Contains(st.Reason, "did not finish within 20ms") {
		t.Errorf("slow device: %+v", st)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m.Apply(ctx, []Spec{{Name: "s2", Driver: "slow"}})
	if st := m.Devices()[0]; st.State != StateFailed || !strings.Contains(st.Reason, "cancel") {
		t.Errorf("open under a cancelled context: %+v", st)
	}
}

// TestManagerPermanentFailures: failures only a new configuration or build can mend
// are not retried (and not counted again); others are.
func TestManagerPermanentFailures(t *testing.T) {
	m, _, reg := newTestManager(t, nil)
	ctx := context.Background()
	m.Apply(ctx, []Spec{
		{Name: "missing", Driver: "uru4000"},
		{Name: "nobus", Driver: "fake"},
		{Name: "probe", Driver: "fake", Emulate: true, Options: Options{"model": "broken"}},
	})
	for range 3 {
		m.Retry(ctx)
	}
	changes := m.Apply(ctx, m.specsForTest())
	var got []string
	for _, c := range changes {
		got = append(got, c.Status.Name+":"+c.Action)
	}
	if strings.Join(got, " ") != "missing:kept nobus:kept probe:retried" {
		t.Errorf("reapplying: %v, want permanent failures kept and the probe failure retried", got)
	}
	want := `
# HELP enrolld_device_errors_total Device errors by kind, driver and operation (open: initialisation failed; others are counted by the code using the device).
# TYPE enrolld_device_errors_total counter
enrolld_device_errors_total{driver="fake",kind="finger",op="open"} 6
enrolld_device_errors_total{driver="uru4000",kind="unknown",op="open"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "enrolld_device_errors_total"); err != nil {
		t.Error(err)
	}
}

func (m *Manager) specsForTest() []Spec {
	m.mu.Lock()
	defer m.mu.Unlock()
	var specs []Spec
	for _, name := range m.order {
		specs = append(specs, m.entries[name].spec)
	}
	return specs
}
