package ptp

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestContainerVectors(t *testing.T) {
	open := NewParamContainer(TypeCommand, uint16(OpOpenSession), 0, 1).Marshal()
	want := []byte{0x10, 0, 0, 0, 0x01, 0, 0x02, 0x10, 0, 0, 0, 0, 0x01, 0, 0, 0}
	if !bytes.Equal(open, want) {
		t.Errorf("OpenSession = % x, want % x", open, want)
	}
	ok := []byte{0x0c, 0, 0, 0, 0x03, 0, 0x01, 0x20, 7, 0, 0, 0}
	c, err := ParseContainer(ok)
	if err != nil || c.Type != TypeResponse || RespCode(c.Code) != RespOK || c.TID != 7 || len(c.Payload) != 0 {
		t.Errorf("OK response parsed as %+v, %v", c, err)
	}
	p, err := ParseContainer(open)
	if params, perr := p.Params(); err != nil || perr != nil || !reflect.DeepEqual(params, []uint32{1}) {
		t.Errorf("OpenSession params %v, %v %v", params, err, perr)
	}
}

func TestContainerErrors(t *testing.T) {
	cases := map[string][]byte{
		"short header":        {0x0c, 0, 0, 0, 3, 0},
		"length below header": {0x08, 0, 0, 0, 3, 0, 1, 0x20, 0, 0, 0, 0},
		"type 9":              {0x0c, 0, 0, 0, 9, 0, 1, 0x20, 0, 0, 0, 0},
		"odd params":          {0x0e, 0, 0, 0, 3, 0, 1, 0x20, 0, 0, 0, 0, 1, 2},
		"six params":          append([]byte{0x24, 0, 0, 0, 3, 0, 1, 0x20, 0, 0, 0, 0}, make([]byte, 24)...),
		"length mismatch":     {0x10, 0, 0, 0, 3, 0, 1, 0x20, 0, 0, 0, 0},
	}
	for name, b := range cases {
		if _, err := ParseContainer(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}

func sampleDeviceInfo() *DeviceInfo {
	return &DeviceInfo{
		StandardVersion: 100, VendorExtensionID: VendorCanon, VendorExtVersion: 100, VendorExtDesc: "Canon EOS",
		Operations: []uint16{0x1001, 0x1002, 0x9153}, Events: []uint16{0x4002}, DeviceProps: []uint16{},
		CaptureFormats: []uint16{0x3801}, ImageFormats: []uint16{0x3801},
		Manufacturer: "Canon Inc.", Model: "Canon EOS Ünïcode", DeviceVersion: "1-1.0.0", SerialNumber: "0123",
	}
}

func TestDatasetRoundTrips(t *testing.T) {
	di := sampleDeviceInfo()
	got, err := ParseDeviceInfo(di.Marshal())
	if err != nil || !reflect.DeepEqual(got, di) {
		t.Errorf("DeviceInfo round trip: %+v, %v", got, err)
	}
	if !got.Supports(OpCanonGetViewFinderData) || got.Supports(OpGetObject) {
		t.Error("Supports is wrong")
	}
	oi := &ObjectInfo{StorageID: 0x10001, Format: FormatEXIFJPEG, CompressedSize: 12345, ImageWidth: 960, ImageHeight: 1280,
		ImageBitDepth: 24, Filename: "IMG_0001.JPG", CaptureDate: "20260102T030405"}
	goto2, err := ParseObjectInfo(oi.Marshal())
	if err != nil || !reflect.DeepEqual(goto2, oi) {
		t.Errorf("ObjectInfo round trip: %+v, %v", goto2, err)
	}
	st := DeviceStatus{Code: RespTransactionCancelled, HaltedEPs: []uint8{0x82, 0x01}}
	if got, err := ParseDeviceStatus(st.Marshal()); err != nil || !reflect.DeepEqual(got, st) {
		t.Errorf("DeviceStatus round trip: %+v, %v", got, err)
	}
	evf := append(EVFBlock(4, []byte{1, 2, 3}), EVFBlock(1, []byte{0xff, 0xd8, 0xff, 0xd9})...)
	if jpg, err := ParseEVFData(evf); err != nil || !bytes.Equal(jpg, []byte{0xff, 0xd8, 0xff, 0xd9}) {
		t.Errorf("EVF data: % x, %v", jpg, err)
	}
}

func TestDatasetErrors(t *testing.T) {
	full := sampleDeviceInfo().Marshal()
	for _, n := range []int{0, 1, 7, 20, len(full) - 1} {
		if _, err := ParseDeviceInfo(full[:n]); !errors.Is(err, ErrMalformed) {
			t.Errorf("DeviceInfo cut at %d: %v", n, err)
		}
	}
	huge := append([]byte{100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0xff, 0xff, 0xff, 0x7f) // 2^31 operations
	if _, err := ParseDeviceInfo(huge); !errors.Is(err, ErrMalformed) {
		t.Errorf("absurd array count: %v", err)
	}
	noNUL := []byte{2, 'a', 0, 'b', 0}
	r := &reader{b: noNUL, what: "test"}
	if r.str("s"); !errors.Is(r.err, ErrMalformed) {
		t.Errorf("string without NUL: %v", r.err)
	}
	for name, b := range map[string][]byte{
		"no jpeg": EVFBlock(4, []byte{1}),
		"overrun": {0xff, 0, 0, 0, 1, 0, 0, 0},
		"tiny":    {4, 0, 0, 0, 1, 0, 0, 0},
		"stray":   append(EVFBlock(4, nil), 1, 2),
	} {
		if _, err := ParseEVFData(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("EVF %s: %v", name, err)
		}
	}
	if _, err := ParseDeviceStatus([]byte{6, 0, 1, 0x20, 0, 0}); !errors.Is(err, ErrMalformed) {
		t.Errorf("device status of odd length: %v", err)
	}
}

func FuzzContainer(f *testing.F) {
	f.Add(NewParamContainer(TypeCommand, uint16(OpOpenSession), 0, 1).Marshal())
	f.Add([]byte{0x0c, 0, 0, 0, 0x03, 0, 0x01, 0x20, 7, 0, 0, 0})
	f.Add(Container{Type: TypeData, Code: 0x1009, TID: 3, Payload: []byte{0xff, 0xd8}}.Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseContainer(b)
		if err != nil {
			return
		}
		if !bytes.Equal(c.Marshal(), b) {
			t.Fatalf("% x parses to %+v which marshals differently", b, c)
		}
		if c.Type != TypeData {
			if _, err := c.Params(); err != nil {
				t.Fatalf("valid %v container has bad params: %v", c.Type, err)
			}
		}
	})
}

func FuzzDataset(f *testing.F) {
	f.Add(byte(0), sampleDeviceInfo().Marshal())
	f.Add(byte(1), (&ObjectInfo{Filename: "A.JPG", Format: FormatEXIFJPEG}).Marshal())
	f.Add(byte(2), DeviceStatus{Code: RespOK, HaltedEPs: []uint8{0x82}}.Marshal())
	f.Add(byte(3), append(EVFBlock(4, []byte{1, 2}), EVFBlock(1, []byte{0xff, 0xd8})...))
	f.Fuzz(func(t *testing.T, kind byte, b []byte) {
		switch kind % 4 {
		case 0:
			if d, err := ParseDeviceInfo(b); err == nil {
				if d2, err := ParseDeviceInfo(d.Marshal()); err != nil || !reflect.DeepEqual(d, d2) {
					t.Fatalf("DeviceInfo does not round-trip: %+v / %+v, %v", d, d2, err)
				}
			}
		case 1:
			if o, err := ParseObjectInfo(b); err == nil {
				if o2, err := ParseObjectInfo(o.Marshal()); err != nil || !reflect.DeepEqual(o, o2) {
					t.Fatalf("ObjectInfo does not round-trip: %+v / %+v, %v", o, o2, err)
				}
			}
		case 2:
			ParseDeviceStatus(b)
		case 3:
			if jpg, err := ParseEVFData(b); err == nil && len(jpg) > len(b) {
				t.Fatal("frame longer than its data")
			}
		}
	})
}
