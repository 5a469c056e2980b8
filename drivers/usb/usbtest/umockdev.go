package usbtest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Replay names the files umockdev-run needs to replay a session to a libusb
// program: umockdev-run -d Device -p SysfsPath=Capture -- CMD.
type Replay struct {
	Device    string // umockdev-record device description
	Capture   string // usbmon pcap capture
	SysfsPath string // the device's path under /sys, as in the description's P: line
	Bus, Addr int    // where the replayed device appears
}

// WriteReplay writes the transcript as name.umockdev and name.pcap into dir and
// returns what umockdev-run needs.
func (tr *Transcript) WriteReplay(dir, name string) (Replay, error) {
	bus, addr := replayAddress(&tr.Device)
	r := Replay{
		Device:    filepath.Join(dir, name+".umockdev"),
		Capture:   filepath.Join(dir, name+".pcap"),
		SysfsPath: SysfsPath(&tr.Device),
		Bus:       int(bus),
		Addr:      int(addr),
	}
	if err := tr.WritePcapFile(r.Capture); err != nil {
		return Replay{}, err
	}
	f, err := os.Create(r.Device)
	if err != nil {
		return Replay{}, err
	}
	if err := WriteUmockdevDevice(f, &tr.Device); err != nil {
		f.Close()
		return Replay{}, err
	}
	return r, f.Close()
}

// sysfsName is the kernel's name for a device: "<bus>-<ports>", as "1-2.3".
func sysfsName(d *usb.DeviceDesc) string {
	bus, _ := replayAddress(d)
	prefix := fmt.Sprintf("%d-", bus)
	if strings.HasPrefix(d.Port, prefix) && len(d.Port) > len(prefix) && !strings.ContainsAny(d.Port, "/ \n") {
		return d.Port
	}
	return prefix + "1"
}

// SysfsPath returns the sysfs path WriteUmockdevDevice gives d, under a made-up
// xHCI controller.
func SysfsPath(d *usb.DeviceDesc) string {
	bus, _ := replayAddress(d)
	return fmt.Sprintf("/sys/devices/pci0000:00/0000:00:14.0/usb%d/%s", bus, sysfsName(d))
}

// speedMbps guesses the device's link speed from its USB version.
func speedMbps(d *usb.DeviceDesc) int {
	switch {
	case d.BcdUSB >= 0x0300:
		return 5000
	case d.BcdUSB >= 0x0200:
		return 480
	}
	return 12
}

// WriteUmockdevDevice writes d as umockdev-record does: the sysfs path (P:), the
// device node (N:, whose content is the raw descriptors), udev properties (E:),
// sysfs attributes (A:) and the binary descriptors attribute (H:). libusb reads
// the descriptors and bConfigurationValue from sysfs, not from the device.
func WriteUmockdevDevice(w io.Writer, d *usb.DeviceDesc) error {
	bus, addr := replayAddress(d)
	desc := d.MarshalDescriptors()
	minor := (int(bus)-1)*128 + int(addr) - 1
	node := fmt.Sprintf("bus/usb/%03d/%03d", bus, addr)
	var cfgValue uint8
	var ifaces int
	if len(d.Configs) > 0 {
		cfgValue = d.Configs[0].Value
		ifaces = int(desc[18+4])
	}
	name := sysfsName(d)
	lines := []string{
		"P: " + strings.TrimPrefix(SysfsPath(d), "/sys"),
		fmt.Sprintf("N: %s=%X", node, desc),
		fmt.Sprintf("E: BUSNUM=%03d", bus),
		"E: DEVNAME=/dev/" + node,
		fmt.Sprintf("E: DEVNUM=%03d", addr),
		"E: DEVTYPE=usb_device",
		"E: DRIVER=usb",
		"E: ID_BUS=usb",
		fmt.Sprintf("E: ID_MODEL_ID=%04x", d.ID.Product),
		fmt.Sprintf("E: ID_REVISION=%04x", d.BcdDevice),
		fmt.Sprintf("E: ID_VENDOR_ID=%04x", d.ID.Vendor),
		"E: MAJOR=189",
		fmt.Sprintf("E: MINOR=%d", minor),
		fmt.Sprintf("E: PRODUCT=%x/%x/%x", d.ID.Vendor, d.ID.Product, d.BcdDevice),
		"E: SUBSYSTEM=usb",
		fmt.Sprintf("E: TYPE=%d/%d/%d", d.Class, d.SubClass, d.Protocol),
		"A: authorized=1",
		fmt.Sprintf("A: bConfigurationValue=%d", cfgValue),
		fmt.Sprintf("A: bDeviceClass=%02x", d.Class),
		fmt.Sprintf("A: bDeviceProtocol=%02x", d.Protocol),
		fmt.Sprintf("A: bDeviceSubClass=%02x", d.SubClass),
		fmt.Sprintf("A: bMaxPacketSize0=%d", d.MaxPacket0),
		"A: bMaxPower=100mA",
		fmt.Sprintf("A: bNumConfigurations=%d", len(d.Configs)),
		fmt.Sprintf("A: bNumInterfaces=%2d", ifaces),
		fmt.Sprintf("A: bcdDevice=%04x", d.BcdDevice),
		"A: bmAttributes=80",
		fmt.Sprintf(`A: busnum=%d\n`, bus),
		"A: configuration=",
		fmt.Sprintf("H: descriptors=%X", desc),
		fmt.Sprintf("A: dev=189:%d", minor),
		fmt.Sprintf(`A: devnum=%d\n`, addr),
		"A: devpath=" + name[strings.Index(name, "-")+1:],
		fmt.Sprintf("A: idProduct=%04x", d.ID.Product),
		fmt.Sprintf("A: idVendor=%04x", d.ID.Vendor),
	}
	for _, s := range []struct{ key, val string }{{"manufacturer", d.Manufacturer}, {"product", d.Product}, {"serial", d.Serial}} {
		if s.val != "" {
			lines = append(lines, fmt.Sprintf("A: %s=%s", s.key, attrValue(s.val)))
		}
	}
	lines = append(lines,
		"A: maxchild=0",
		"A: removable=unknown",
		fmt.Sprintf("A: speed=%d", speedMbps(d)),
		fmt.Sprintf("A: version=%2x.%02x", d.BcdUSB>>8, d.BcdUSB&0xff),
	)
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n\n")
	return err
}

// attrValue escapes a sysfs attribute value for the one-line umockdev form.
func attrValue(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(s, "\n", `\n`)
}
