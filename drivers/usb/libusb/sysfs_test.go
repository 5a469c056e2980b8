package libusb

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

func TestPortName(t *testing.T) {
	tests := []struct {
		bus  int
		path []int
		want string
	}{
		{1, nil, "usb1"},
		{1, []int{2}, "1-2"},
		{3, []int{1, 4, 2}, "3-1.4.2"},
	}
	for _, tc := range tests {
		if got := portName(tc.bus, tc.path); got != tc.want {
			t.Errorf("portName(%d, %v) = %q, want %q", tc.bus, tc.path, got, tc.want)
		}
	}
}

// writeSysfs makes a sysfs fixture with one device directory.
func writeSysfs(t *testing.T, name string, attrs map[string]string) string {
	root := t.TempDir()
	dir := filepath.Join(root, "bus", "usb", "devices", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range attrs {
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestFillFromSysfs(t *testing.T) {
	full := usb.DeviceDesc{ID: usb.ID{Vendor: 0x1209, Product: 0x2002}, BcdUSB: 0x0200, MaxPacket0: 64,
		Configs: []usb.ConfigDesc{{Value: 1, Interfaces: []usb.InterfaceDesc{{Class: 0xfe, SubClass: 1, Protocol: 2,
			Extra: []byte{9, 0x21, 0x0b, 0xff, 0, 0, 4, 0x10, 1}}}}}}
	attrs := map[string]string{
		"busnum": "2\n", "devnum": "9\n", "descriptors": string(full.MarshalDescriptors()),
		"manufacturer": "Acme\n", "product": "Widget\n",
	}
	tests := []struct {
		name, dir, port string
	}{
		{"by port", "2-1.3", "2-1.3"},
		{"by scan", "2-4", "2-1"}, // the port name is stale: found by bus and address
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := writeSysfs(t, tc.dir, attrs)
			d := usb.DeviceDesc{Bus: 2, Address: 9, Port: tc.port, ID: full.ID}
			fillFromSysfs(root, &d)
			if d.Manufacturer != "Acme" || d.Product != "Widget" || d.Serial != "" {
				t.Errorf("strings %q %q %q", d.Manufacturer, d.Product, d.Serial)
			}
			if len(d.Configs) != 1 || len(d.Configs[0].Interfaces[0].Extra) != 9 {
				t.Errorf("configs %+v: want the DFU functional descriptor from sysfs", d.Configs)
			}
		})
	}
}

func TestFillFromSysfsLeavesOtherDevicesAlone(t *testing.T) {
	root := writeSysfs(t, "1-2", map[string]string{"busnum": "1", "devnum": "3", "product": "Other"})
	d := usb.DeviceDesc{Bus: 1, Address: 4, Port: "1-2", Product: "kept"}
	fillFromSysfs(root, &d)
	if d.Product != "kept" {
		t.Errorf("took the strings of another device: %+v", d)
	}
	fillFromSysfs(filepath.Join(root, "nothing"), &d)
	if d.Product != "kept" {
		t.Errorf("no sysfs changed the device: %+v", d)
	}
}
