package drivers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/drivers/usb"
)

func TestManagerLost(t *testing.T) {
	m, lab, reg := newTestManager(t, nil)
	ctx := context.Background()
	m.Apply(ctx, []Spec{{Name: "a", Driver: "fake", Emulate: true, Options: Options{"model": "A"}}})
	dev, _ := m.Device("a")
	if !m.Lost("a", errors.New("fake: unplugged")) {
		t.Fatal("Lost(a) = false for a loaded device")
	}
	if m.Lost("a", errors.New("again")) || m.Lost("nosuch", nil) {
		t.Error("Lost = true for a device that is not loaded")
	}
	st := m.Devices()[0]
	if st.State != StateSkipped || st.Reason != "device lost: fake: unplugged" || st.Info != nil {
		t.Errorf("after Lost: %+v", st)
	}
	if dev.(*fakeScanner).halted.Load() != 1 || !lab.devices()[0].closed.Load() {
		t.Error("a lost device was not halted and its transport closed")
	}
	want := `
# HELP enrolld_device_up Whether every configured device of this kind and driver is loaded (1) or not (0).
# TYPE enrolld_device_up gauge
enrolld_device_up{driver="fake",kind="finger"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "enrolld_device_up"); err != nil {
		t.Error(err)
	}
	if c := m.Retry(ctx); c[0].Action != "retried" || c[0].Status.State != StateLoaded {
		t.Errorf("retry after a loss: %+v", c[0])
	}
}

func TestManagerHotplug(t *testing.T) {
	bus := &fakeBus{}
	m, _, _ := newTestManager(t, bus)
	ctx := context.Background()
	m.Apply(ctx, []Spec{{Name: "scanner", Driver: "fake"}, {Name: "emu", Driver: "fake", Emulate: true,
		Options: Options{"model": "E"}}})
	if !m.WantsUSB() {
		t.Error("WantsUSB = false with a real USB device configured")
	}
	if st := m.Devices()[0]; st.State != StateSkipped {
		t.Fatalf("scanner with an empty bus: %s %s", st.State, st.Reason)
	}
	other := usb.DeviceDesc{Bus: 1, Address: 2, ID: usb.ID{Vendor: 0xdead, Product: 0xbeef}}
	if c := m.HandleUSBEvent(ctx, usb.Event{Arrived: true, Device: other}); len(c) != 0 {
		t.Errorf("an unrelated arrival changed %+v", c)
	}

	plugged := &fakeUSB{desc: usb.DeviceDesc{Bus: 1, Address: 9, ID: fakeID}, model: "hot"}
	bus.devs = []*fakeUSB{plugged}
	c := m.HandleUSBEvent(ctx, usb.Event{Arrived: true, Device: plugged.desc})
	if len(c) != 1 || c[0].Status.Name != "scanner" || c[0].Status.State != StateLoaded {
		t.Fatalf("arrival: %+v, want the scanner loaded", c)
	}

	bus.devs = nil
	c = m.HandleUSBEvent(ctx, usb.Event{Arrived: false, Device: plugged.desc})
	if len(c) != 1 || c[0].Action != "lost" || c[0].Status.State != StateSkipped ||
		!strings.Contains(c[0].Status.Reason, "1d50:6000 at 1/9 was unplugged") {
		t.Fatalf("departure: %+v", c)
	}
	if !plugged.closed.Load() {
		t.Error("the unplugged device's transport was not closed")
	}
	if c := m.HandleUSBEvent(ctx, usb.Event{Arrived: false, Device: plugged.desc}); len(c) != 0 {
		t.Errorf("a second departure changed %+v", c)
	}
	if st := m.Devices()[1]; st.State != StateLoaded {
		t.Errorf("the emulated device was touched: %+v", st)
	}
}
