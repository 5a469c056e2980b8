package main

import (
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/cmd/internal/api"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"
)

// TestUSBHotplug plugs a (fake) scanner into the bus after start, then pulls it.
func TestUSBHotplug(t *testing.T) {
	bus := &fakeBus{}
	td := startTestDaemonWith(t, "station: {id: s1}\ndevices:\n  - {name: scanner, driver: fakeusb}\n",
		daemonOptions{registry: newTestRegistry(nil), usbBus: bus, usbWatchInterval: 5 * time.Millisecond}, nil)
	td.waitReady(t)
	state := func() drivers.DeviceStatus {
		var devs api.Devices
		decodeJSON(t, td, api.PathDevices, &devs)
		return devs.Devices[0]
	}
	if st := state(); st.State != drivers.StateSkipped || !strings.Contains(st.Reason, "no USB device 1d50:6000 is connected") {
		t.Fatalf("before plugging in: %+v", st)
	}
	desc := usb.DeviceDesc{Bus: 1, Address: 7, ID: usb.ID{Vendor: 0x1d50, Product: 0x6000}}
	bus.plug(desc, "HOT")
	waitFor(t, func() bool { return state().State == drivers.StateLoaded })
	if st := state(); st.Info == nil || st.Info.Model != "HOT" {
		t.Errorf("plugged-in scanner: %+v", st)
	}
	bus.unplug(desc)
	waitFor(t, func() bool { return state().State == drivers.StateSkipped })
	if st := state(); !strings.Contains(st.Reason, "1d50:6000 at 1/7 was unplugged") {
		t.Errorf("after unplugging: %+v", st)
	}
	// the status changes before the line is logged: wait for it rather than race it
	logged := func() bool {
		logs := td.logs.String()
		return strings.Contains(logs, `"msg":"device came up"`) && strings.Contains(logs, `"msg":"device lost"`)
	}
	waitFor(t, logged)
}

// TestDemoDevices runs the demo configuration's devices with the drivers compiled
// into enrolld (drivers.go): each is loaded if its driver is in this build and
// failed, saying so, if not; the daemon is ready either way.
func TestDemoDevices(t *testing.T) {
	cfg, err := loadConfig(configsDir+"/demo.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	text.WriteString("station: {id: demo}\ndevices:\n")
	for _, d := range cfg.Devices {
		text.WriteString("  - {name: " + d.Name + ", driver: " + d.Driver + ", emulate: true}\n")
	}
	td := startTestDaemon(t, text.String(), drivers.Default, nil)
	td.waitReady(t)
	var devs api.Devices
	decodeJSON(t, td, api.PathDevices, &devs)
	_, metrics := td.get(t, "/metrics")
	for _, st := range devs.Devices {
		if _, compiled := drivers.Default.Driver(st.Driver); !compiled {
			if st.State != drivers.StateFailed || !strings.Contains(st.Reason, "is not compiled into this build") {
				t.Errorf("%s without its driver: %s %q", st.Name, st.State, st.Reason)
			}
			continue
		}
		if st.State != drivers.StateLoaded {
			t.Errorf("%s (%s, emulated): %s %q, want loaded", st.Name, st.Driver, st.State, st.Reason)
			continue
		}
		if up := `enrolld_device_up{driver="` + st.Driver + `",kind="` + string(st.Kind) + `"} 1`; !strings.Contains(metrics, up) {
			t.Errorf("/metrics lacks %s", up)
		}
	}
}
