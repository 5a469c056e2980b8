package libusb

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/enrolld/enrolld/drivers/usb"
)

// portName is the kernel's name for the device at path on bus: "1-2.3", or
// "usb1" for the root hub (an empty path).
func portName(bus int, path []int) string {
	if len(path) == 0 {
		return fmt.Sprintf("usb%d", bus)
	}
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = strconv.Itoa(p)
	}
	return fmt.Sprintf("%d-%s", bus, strings.Join(parts, "."))
}

// sysfsDir finds the device's directory under root/bus/usb/devices: by its port
// name, else by scanning for its bus and device numbers. It returns "" if there
// is none (not Linux, or no sysfs).
func sysfsDir(root string, d *usb.DeviceDesc) string {
	base := filepath.Join(root, "bus", "usb", "devices")
	if d.Port != "" {
		dir := filepath.Join(base, d.Port)
		if sameDevice(dir, d) {
			return dir
		}
	}
	entries, err := os.ReadDir(base)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		dir := filepath.Join(base, e.Name())
		if !strings.Contains(e.Name(), ":") && sameDevice(dir, d) {
			return dir
		}
	}
	return ""
}

// sameDevice reports whether the sysfs directory dir is the device at d's bus
// and address.
func sameDevice(dir string, d *usb.DeviceDesc) bool {
	bus, err1 := readInt(filepath.Join(dir, "busnum"))
	dev, err2 := readInt(filepath.Join(dir, "devnum"))
	return err1 == nil && err2 == nil && bus == d.Bus && dev == d.Address
}

func readInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// readAttr returns a sysfs attribute without its trailing newline, or "".
func readAttr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimRight(string(b), "\n")
}

// fillFromSysfs completes d from sysfs, best effort: the raw descriptors (with
// class-specific descriptors and exact polling intervals, which gousb does not
// report) and the three strings. It leaves d as it was where sysfs has nothing.
func fillFromSysfs(root string, d *usb.DeviceDesc) {
	dir := sysfsDir(root, d)
	if dir == "" {
		return
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "descriptors")); err == nil {
		parsed := *d
		if parsed.ParseDescriptors(raw) == nil && parsed.ID == d.ID {
			*d = parsed
		}
	}
	d.Manufacturer = readAttr(dir, "manufacturer")
	d.Product = readAttr(dir, "product")
	d.Serial = readAttr(dir, "serial")
	if d.Port == "" {
		d.Port = filepath.Base(dir)
	}
}
