package usb

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"
)

func sampleDesc() DeviceDesc {
	return DeviceDesc{
		ID: ID{Vendor: 0x05ba, Product: 0x000a}, BcdDevice: 0x0104, BcdUSB: 0x0200, MaxPacket0: 64,
		Product: "U.are.U 4500",
		Configs: []ConfigDesc{{Value: 1, Interfaces: []InterfaceDesc{{
			Number: 0, Class: 0xff, SubClass: 0xff, Protocol: 0xff,
			Endpoints: []EndpointDesc{
				{Address: 0x81, Attributes: 3, MaxPacketSize: 64, Interval: 1},
				{Address: 0x82, Attributes: 2, MaxPacketSize: 64},
			},
		}}}},
	}
}

func TestMarshalDescriptors(t *testing.T) {
	d := sampleDesc()
	got := hex.EncodeToString(d.MarshalDescriptors())
	want := "12010002000000" + "40" + "ba050a000401" + "000200" + "01" + // device
		"0902" + "2000" + "010100" + "8032" + // configuration, 32 bytes total
		"090400000" + "2ffffff00" + // interface 0, two endpoints
		"0705810340000" + "1" + "07058202400000" // endpoints
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParseDescriptorsRoundTrip(t *testing.T) {
	tests := map[string]DeviceDesc{
		"scanner": sampleDesc(),
		"dfu": {ID: ID{Vendor: 0x1209, Product: 0x2002}, BcdUSB: 0x0110, MaxPacket0: 8,
			Configs: []ConfigDesc{{Value: 1, Interfaces: []InterfaceDesc{
				{Number: 0, Class: 0xfe, SubClass: 1, Protocol: 2, Extra: []byte{9, 0x21, 0x0b, 0xff, 0, 0, 4, 0x10, 1}},
			}}}},
		"two configs": {Configs: []ConfigDesc{{Value: 1}, {Value: 2, Interfaces: []InterfaceDesc{{Number: 0, Alternate: 1}}}}},
	}
	for name, d := range tests {
		t.Run(name, func(t *testing.T) {
			var back DeviceDesc
			back.Product = d.Product
			if err := back.ParseDescriptors(d.MarshalDescriptors()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, d) {
				t.Errorf("got  %+v\nwant %+v", back, d)
			}
		})
	}
}

func TestParseDescriptorsErrors(t *testing.T) {
	good := func() []byte { d := sampleDesc(); return d.MarshalDescriptors() }
	tests := []struct {
		name string
		mod  func([]byte) []byte
		want string
	}{
		{"empty", func([]byte) []byte { return nil }, "no 18-byte device descriptor"},
		{"missing config", func(b []byte) []byte { return b[:18] }, "no configuration descriptor at offset 18"},
		{"truncated config", func(b []byte) []byte { return b[:40] }, "claims 32 bytes, 22 left"},
		{"zero length", func(b []byte) []byte { b[27] = 0; return b }, "length 0 at offset 27"},
		{"short interface", func(b []byte) []byte { b[27] = 3; return b }, "short or misplaced descriptor type 4 at offset 27"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d DeviceDesc
			err := d.ParseDescriptors(tc.mod(good()))
			if !errors.Is(err, ErrDescriptor) || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Errorf("err = %v, want ErrDescriptor containing %q", err, tc.want)
			}
		})
	}
}

// FuzzParseDescriptors checks that raw descriptors never panic the parser and that
// whatever parses re-encodes to bytes that parse to the same description.
func FuzzParseDescriptors(f *testing.F) {
	d := sampleDesc()
	f.Add(d.MarshalDescriptors())
	f.Fuzz(func(t *testing.T, b []byte) {
		var d DeviceDesc
		if err := d.ParseDescriptors(b); err != nil {
			if !errors.Is(err, ErrDescriptor) {
				t.Fatalf("error without ErrDescriptor: %v", err)
			}
			return
		}
		var back DeviceDesc
		if err := back.ParseDescriptors(d.MarshalDescriptors()); err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !reflect.DeepEqual(normal(back), normal(d)) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, d)
		}
	})
}

// normal drops empty-vs-nil differences.
func normal(d DeviceDesc) DeviceDesc {
	for i := range d.Configs {
		c := &d.Configs[i]
		if len(c.Interfaces) == 0 {
			c.Interfaces = nil
		}
		for j := range c.Interfaces {
			in := &c.Interfaces[j]
			if len(in.Extra) == 0 {
				in.Extra = nil
			}
			if len(in.Endpoints) == 0 {
				in.Endpoints = nil
			}
		}
	}
	return d
}
