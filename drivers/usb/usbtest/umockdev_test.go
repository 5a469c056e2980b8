package usbtest

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

func TestWriteUmockdevDevice(t *testing.T) {
	d := loadSample(t).Device
	var buf bytes.Buffer
	if err := WriteUmockdevDevice(&buf, &d); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	desc := strings.ToUpper(hex.EncodeToString(d.MarshalDescriptors()))
	for _, want := range []string{
		"P: /devices/pci0000:00/0000:00:14.0/usb1/1-2\n",
		"N: bus/usb/001/007=" + desc + "\n",
		"E: DEVNAME=/dev/bus/usb/001/007\n",
		"E: DEVTYPE=usb_device\n",
		"E: SUBSYSTEM=usb\n",
		"E: PRODUCT=1209/1/100\n",
		"A: bConfigurationValue=1\n",
		"A: bNumInterfaces= 1\n",
		`A: busnum=1\n` + "\n",
		`A: devnum=7\n` + "\n",
		"A: devpath=2\n",
		"H: descriptors=" + desc + "\n",
		"A: idVendor=1209\n",
		"A: idProduct=0001\n",
		"A: bcdDevice=0100\n",
		"A: product=Loopback\n",
		"A: serial=0001\n",
		"A: speed=480\n",
		"A: version= 2.00\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("device file lacks %q:\n%s", want, text)
		}
	}
	if !strings.HasPrefix(text, "P: ") || !strings.HasSuffix(text, "\n\n") {
		t.Errorf("device file does not start with P: and end with a blank line:\n%s", text)
	}
}

func TestRunPattern(t *testing.T) {
	tests := map[string]string{
		"TestA":            "^TestA$",
		"TestA/sub_case":   "^TestA$/^sub_case$",
		"TestA/x.y+(1)/#0": `^TestA$/^x\.y\+\(1\)$/^#0$`,
	}
	for name, want := range tests {
		if got := RunPattern(name); got != want {
			t.Errorf("RunPattern(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestReplayAddressAndPath(t *testing.T) {
	tests := []struct {
		bus, addr int
		port      string
		wantPath  string
		wantBus   uint16
		wantAddr  uint8
	}{
		{0, 0, "", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1", 1, 2},
		{3, 9, "3-1.4", "/sys/devices/pci0000:00/0000:00:14.0/usb3/3-1.4", 3, 9},
		{3, 9, "1-1.4", "/sys/devices/pci0000:00/0000:00:14.0/usb3/3-1", 3, 9}, // port of another bus
		{1, 200, "1-2/../x", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1", 1, 2},
	}
	for _, tc := range tests {
		d := usb.DeviceDesc{Bus: tc.bus, Address: tc.addr, Port: tc.port}
		bus, addr := replayAddress(&d)
		if got := SysfsPath(&d); got != tc.wantPath || bus != tc.wantBus || addr != tc.wantAddr {
			t.Errorf("%d/%d %q: %s %d/%d, want %s %d/%d", tc.bus, tc.addr, tc.port, got, bus, addr, tc.wantPath, tc.wantBus, tc.wantAddr)
		}
	}
}

func TestWriteReplayFiles(t *testing.T) {
	dir := t.TempDir()
	r, err := loadSample(t).WriteReplay(dir, "s")
	if err != nil {
		t.Fatal(err)
	}
	if r.Device != filepath.Join(dir, "s.umockdev") || r.Capture != filepath.Join(dir, "s.pcap") || r.Bus != 1 || r.Addr != 7 {
		t.Errorf("replay = %+v", r)
	}
	capture, err := os.ReadFile(r.Capture)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPcap(bytes.NewReader(capture), r.Bus, r.Addr); err != nil {
		t.Error(err)
	}
	if _, err := (&Transcript{}).WriteReplay(filepath.Join(dir, "missing"), "x"); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
