package usbtest

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

func loadSample(t testing.TB) *Transcript {
	t.Helper()
	tr, err := ReadFile("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestReadSample(t *testing.T) {
	tr := loadSample(t)
	d := tr.Device
	if d.ID != (usb.ID{Vendor: 0x1209, Product: 0x0001}) || d.Bus != 1 || d.Address != 7 || d.Product != "Loopback" {
		t.Errorf("device = %+v", d)
	}
	if len(d.Configs) != 1 || len(d.Configs[0].Interfaces) != 1 || len(d.Configs[0].Interfaces[0].Endpoints) != 3 {
		t.Fatalf("configs = %+v", d.Configs)
	}
	if ep := d.Configs[0].Interfaces[0].Endpoints[2]; ep != (usb.EndpointDesc{Address: 0x82, Attributes: 3, MaxPacketSize: 8, Interval: 4}) {
		t.Errorf("endpoint = %+v", ep)
	}
	if len(tr.Transfers) != 8 {
		t.Fatalf("%d transfers, want 8", len(tr.Transfers))
	}
	first := tr.Transfers[0]
	if first.Kind != Control || first.RequestType != 0xc0 || first.Request != 1 || first.Value != 3 || first.Length != 2 || !bytes.Equal(first.In, []byte{0, 0}) {
		t.Errorf("first = %+v", first)
	}
	to := tr.Transfers[6]
	if !errors.Is(to.Err, usb.ErrTimeout) || to.Err.Error() != "libusb: timeout" || len(to.In) != 0 {
		t.Errorf("timeout transfer = %+v", to)
	}
	if tr.Transfers[7].Kind != Reset {
		t.Errorf("last = %v, want reset", tr.Transfers[7].Kind)
	}
}

// sameTranscript compares transcripts, errors by message and sentinel.
func sameTranscript(t *testing.T, got, want *Transcript) {
	t.Helper()
	if !reflect.DeepEqual(got.Device, want.Device) {
		t.Errorf("device:\n got %+v\nwant %+v", got.Device, want.Device)
	}
	if len(got.Transfers) != len(want.Transfers) {
		t.Fatalf("%d transfers, want %d", len(got.Transfers), len(want.Transfers))
	}
	for i := range got.Transfers {
		g, w := got.Transfers[i], want.Transfers[i]
		if errorCode(g.Err) != errorCode(w.Err) || (g.Err == nil) != (w.Err == nil) || (g.Err != nil && g.Err.Error() != w.Err.Error()) {
			t.Errorf("step %d: err %v, want %v", i, g.Err, w.Err)
		}
		g.Err, w.Err = nil, nil
		if len(g.In) == 0 && len(w.In) == 0 {
			g.In, w.In = nil, nil
		}
		if len(g.Out) == 0 && len(w.Out) == 0 {
			g.Out, w.Out = nil, nil
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("step %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestTextRoundTrip(t *testing.T) {
	tr := loadSample(t)
	tr.Transfers[0].Start, tr.Transfers[0].End = 1500*time.Microsecond, 2*time.Millisecond
	tr.Device.Configs[0].Interfaces[0].Extra = []byte{9, 0x21, 1}
	tr.Transfers = append(tr.Transfers, Transfer{Kind: Write, Endpoint: 1, Err: errors.New(`odd "quoted" failure`)})
	var buf bytes.Buffer
	if _, err := tr.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTranscript(&buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	sameTranscript(t, back, tr)
	if got := errorCode(back.Transfers[len(back.Transfers)-1].Err); got != "" {
		t.Errorf("plain error came back with sentinel %q", got)
	}
}

func TestReadTranscriptErrors(t *testing.T) {
	const hdr = textHeader + "\n"
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "empty transcript"},
		{"no header", "control type=c0 req=01 value=0 index=0 len=1\n", "want \"usbtest-transcript v1\" first"},
		{"unknown keyword", hdr + "bulk ep=81\n", `unknown keyword "bulk"`},
		{"missing field", hdr + "control type=c0 req=01 value=0000 len=1\n", "control needs index="},
		{"unknown key", hdr + "write ep=02 out=00 olt=1\n", "write does not take olt="},
		{"bad hex", hdr + "write ep=02 out=0g\n", "out is not hex"},
		{"too wide", hdr + "control type=100 req=01 value=0 index=0 out=\n", "type=\"100\" is not a 8-bit number"},
		{"direction", hdr + "read ep=02 len=1\n", "whose direction bit says otherwise"},
		{"in exceeds len", hdr + "read ep=81 len=1 in=0102\n", "2 bytes in, more than len=1"},
		{"msg without err", hdr + "read ep=81 len=1 msg=\"x\"\n", "msg= without err="},
		{"bad err", hdr + "read ep=81 len=1 err=boom\n", `err="boom" is not one of`},
		{"interface first", hdr + "interface number=0 alt=0 class=ff subclass=0 protocol=0\n", "interface before any config"},
		{"endpoint first", hdr + "config value=1\nendpoint addr=81 attr=2 maxpacket=64 interval=0\n", "endpoint before any interface"},
		{"two devices", hdr + "device id=0001:0002 bus=1 addr=1 bcdDevice=0 bcdUSB=0 class=0 subclass=0 protocol=0 maxpacket0=8\n" +
			"device id=0001:0002 bus=1 addr=1 bcdDevice=0 bcdUSB=0 class=0 subclass=0 protocol=0 maxpacket0=8\n", "second device line"},
		{"bad id", hdr + "device id=12:34 bus=1 addr=1 bcdDevice=0 bcdUSB=0 class=0 subclass=0 protocol=0 maxpacket0=8\n", "not a VID:PID pair"},
		{"bad quote", hdr + "device id=0001:0002 product=\"abc\n", "bad quoted value of product"},
		{"no key", hdr + "write ep=02 out=00 junk\n", "expected key=value"},
		{"duplicate", hdr + "write ep=02 ep=02 out=00\n", "ep given twice"},
		{"bad duration", hdr + "write ep=02 out=00 start=soon\n", `start="soon" is not a duration`},
		{"huge control", hdr + "control type=c0 req=1 value=0 index=0 len=70000\n", "exceeds wLength"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadTranscript(strings.NewReader(tc.text))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrFormat containing %q", err, tc.want)
			}
		})
	}
}

func TestErrorLineNumber(t *testing.T) {
	_, err := ReadTranscript(strings.NewReader(textHeader + "\n# comment\n\nwrite ep=02 out=zz\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "line 4:") {
		t.Errorf("err = %v, want it to name line 4", err)
	}
}
