package usb

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Descriptor types (bDescriptorType) of the standard descriptors.
const (
	DescDevice    uint8 = 0x01
	DescConfig    uint8 = 0x02
	DescString    uint8 = 0x03
	DescInterface uint8 = 0x04
	DescEndpoint  uint8 = 0x05
)

// String descriptor indices MarshalDescriptors assigns to the device strings; an
// empty string gets index 0 (none).
const (
	StringManufacturer = 1
	StringProduct      = 2
	StringSerial       = 3
)

// ErrDescriptor means raw descriptor bytes could not be parsed.
var ErrDescriptor = errors.New("usb: bad descriptor")

// MarshalDescriptors encodes d as the raw bytes a device returns for its device
// descriptor followed by each configuration descriptor with its interface,
// class-specific (Extra) and endpoint descriptors: the layout of Linux's sysfs
// "descriptors" file, which libusb reads. Strings are referenced by the indices
// StringManufacturer, StringProduct and StringSerial.
func (d *DeviceDesc) MarshalDescriptors() []byte {
	b := make([]byte, 18, 64)
	b[0], b[1] = 18, DescDevice
	binary.LittleEndian.PutUint16(b[2:], d.BcdUSB)
	b[4], b[5], b[6], b[7] = d.Class, d.SubClass, d.Protocol, d.MaxPacket0
	binary.LittleEndian.PutUint16(b[8:], d.ID.Vendor)
	binary.LittleEndian.PutUint16(b[10:], d.ID.Product)
	binary.LittleEndian.PutUint16(b[12:], d.BcdDevice)
	b[14] = stringIndex(d.Manufacturer, StringManufacturer)
	b[15] = stringIndex(d.Product, StringProduct)
	b[16] = stringIndex(d.Serial, StringSerial)
	b[17] = uint8(len(d.Configs))
	for i := range d.Configs {
		b = append(b, marshalConfig(&d.Configs[i])...)
	}
	return b
}

func stringIndex(s string, i uint8) uint8 {
	if s == "" {
		return 0
	}
	return i
}

func marshalConfig(c *ConfigDesc) []byte {
	b := make([]byte, 9)
	numbers := map[uint8]bool{}
	for _, in := range c.Interfaces {
		numbers[in.Number] = true
		b = append(b, 9, DescInterface, in.Number, in.Alternate, uint8(len(in.Endpoints)), in.Class, in.SubClass, in.Protocol, 0)
		b = append(b, in.Extra...)
		for _, e := range in.Endpoints {
			b = append(b, 7, DescEndpoint, e.Address, e.Attributes, byte(e.MaxPacketSize), byte(e.MaxPacketSize>>8), e.Interval)
		}
	}
	b[0], b[1] = 9, DescConfig
	binary.LittleEndian.PutUint16(b[2:], uint16(len(b)))
	b[4] = uint8(len(numbers))
	b[5] = c.Value
	b[6] = 0    // iConfiguration
	b[7] = 0x80 // bmAttributes: bus powered
	b[8] = 50   // bMaxPower: 100 mA in 2 mA units
	return b
}

// ParseDescriptors parses raw descriptors as MarshalDescriptors writes them (and as
// Linux's sysfs "descriptors" file holds them) into d's descriptor fields; bus,
// address, port and strings are left as they were. Errors wrap ErrDescriptor and
// give the offset.
func (d *DeviceDesc) ParseDescriptors(b []byte) error {
	if len(b) < 18 || b[0] < 18 || b[1] != DescDevice {
		return fmt.Errorf("%w: no 18-byte device descriptor at offset 0", ErrDescriptor)
	}
	d.BcdUSB = binary.LittleEndian.Uint16(b[2:])
	d.Class, d.SubClass, d.Protocol, d.MaxPacket0 = b[4], b[5], b[6], b[7]
	d.ID = ID{Vendor: binary.LittleEndian.Uint16(b[8:]), Product: binary.LittleEndian.Uint16(b[10:])}
	d.BcdDevice = binary.LittleEndian.Uint16(b[12:])
	d.Configs = nil
	off := int(b[0])
	for n := 0; n < int(b[17]); n++ {
		c, next, err := parseConfig(b, off)
		if err != nil {
			return err
		}
		d.Configs = append(d.Configs, c)
		off = next
	}
	return nil
}

// parseConfig parses the configuration descriptor at b[off:] and everything under
// it, returning the offset after it.
func parseConfig(b []byte, off int) (ConfigDesc, int, error) {
	if off+9 > len(b) || b[off] < 9 || b[off+1] != DescConfig {
		return ConfigDesc{}, 0, fmt.Errorf("%w: no configuration descriptor at offset %d", ErrDescriptor, off)
	}
	total := int(binary.LittleEndian.Uint16(b[off+2:]))
	if total < int(b[off]) || off+total > len(b) {
		return ConfigDesc{}, 0, fmt.Errorf("%w: configuration at offset %d claims %d bytes, %d left", ErrDescriptor, off, total, len(b)-off)
	}
	c := ConfigDesc{Value: b[off+5]}
	end := off + total
	var cur *InterfaceDesc
	for p := off + int(b[off]); p < end; {
		l := int(b[p])
		if l < 2 || p+l > end {
			return ConfigDesc{}, 0, fmt.Errorf("%w: descriptor of length %d at offset %d overruns its configuration", ErrDescriptor, l, p)
		}
		switch typ := b[p+1]; {
		case typ == DescInterface && l >= 9:
			c.Interfaces = append(c.Interfaces, InterfaceDesc{Number: b[p+2], Alternate: b[p+3], Class: b[p+5], SubClass: b[p+6], Protocol: b[p+7]})
			cur = &c.Interfaces[len(c.Interfaces)-1]
		case typ == DescEndpoint && l >= 7 && cur != nil:
			cur.Endpoints = append(cur.Endpoints, EndpointDesc{Address: b[p+2], Attributes: b[p+3],
				MaxPacketSize: binary.LittleEndian.Uint16(b[p+4:]), Interval: b[p+6]})
		case typ == DescInterface || typ == DescEndpoint:
			return ConfigDesc{}, 0, fmt.Errorf("%w: short or misplaced descriptor type %d at offset %d", ErrDescriptor, typ, p)
		case cur != nil && len(cur.Endpoints) == 0:
			cur.Extra = append(cur.Extra, b[p:p+l]...)
		}
		p += l
	}
	return c, end, nil
}
