package usbtest

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

func TestWritePcapHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := loadSample(t).WritePcap(&buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if got := hex.EncodeToString(b[:24]); got != "d4c3b2a1020004000000000000000000000004"+"00dc000000" {
		t.Errorf("global header %s", got)
	}
}

func TestUsbmonPackets(t *testing.T) {
	tr := loadSample(t)
	tr.Device.Manufacturer, tr.Device.Product, tr.Device.Serial = "", "", "" // no string prelude
	pkts, err := tr.usbmonPackets()
	if err != nil {
		t.Fatal(err)
	}
	// 7 URBs (the reset is not one), the timed-out read without completion.
	if len(pkts) != 13 {
		t.Fatalf("%d packets, want 13", len(pkts))
	}
	tests := []struct {
		i                   int
		event, xfer, ep     byte
		status              int32
		length              uint32
		setupFlag, dataFlag byte
		setup, data         string
	}{
		{0, 'S', xferControl, 0x80, -115, 2, 0, '<', "c001030000000200", ""},
		{1, 'C', xferControl, 0x80, 0, 2, '-', 0, "0000000000000000", "0000"},
		{2, 'S', xferControl, 0x00, -115, 2, 0, 0, "4002030000000200", "beef"},
		{3, 'C', xferControl, 0x00, 0, 2, '-', '>', "0000000000000000", ""},
		{4, 'S', xferBulk, 0x01, -115, 5, '-', 0, "0000000000000000", "68656c6c6f"},
		{8, 'S', xferBulk, 0x81, -115, 64, '-', '<', "0000000000000000", ""},
		{9, 'C', xferBulk, 0x81, 0, 5, '-', 0, "0000000000000000", "68656c6c6f"},
		{10, 'S', xferInterrupt, 0x82, -115, 8, '-', '<', "0000000000000000", ""},
		{12, 'S', xferInterrupt, 0x82, -115, 8, '-', '<', "0000000000000000", ""},
	}
	for _, tc := range tests {
		p := pkts[tc.i]
		b := p.marshal()
		if p.Event != tc.event || p.XferType != tc.xfer || p.Endpoint != tc.ep || p.Status != tc.status || p.Length != tc.length ||
			p.SetupFlag != tc.setupFlag || p.DataFlag != tc.dataFlag || hex.EncodeToString(b[40:48]) != tc.setup || hex.EncodeToString(b[64:]) != tc.data {
			t.Errorf("packet %d = %c type %d ep %02x status %d len %d flags %q %q setup %x data %x", tc.i, p.Event, p.XferType, p.Endpoint,
				p.Status, p.Length, p.SetupFlag, p.DataFlag, b[40:48], b[64:])
		}
		if p.Bus != 1 || p.Device != 7 || binary.LittleEndian.Uint32(b[36:]) != uint32(len(tc.data)/2) {
			t.Errorf("packet %d: bus %d dev %d data_len %d", tc.i, p.Bus, p.Device, binary.LittleEndian.Uint32(b[36:]))
		}
		if p.Event == 'S' && pkts[tc.i].ID == 0 {
			t.Errorf("packet %d has URB id 0, which umockdev reads as unsubmitted", tc.i)
		}
	}
	if pkts[10].Interval != 4 {
		t.Errorf("interrupt interval %d, want 4", pkts[10].Interval)
	}
}

func TestPcapRoundTrip(t *testing.T) {
	tr := loadSample(t)
	var buf bytes.Buffer
	if err := tr.WritePcap(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPcap(&buf, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	// Six string-descriptor exchanges come first (language and string for each of
	// three strings); the reset leaves no trace; the timed-out read, never completed,
	// comes last.
	if len(back.Transfers) != 6+7 {
		t.Fatalf("%d transfers, want 13", len(back.Transfers))
	}
	if s := back.Transfers[3]; s.Value != 0x0302 || s.Index != 0x0409 || string(s.In) != "\x12\x03L\x00o\x00o\x00p\x00b\x00a\x00c\x00k\x00" {
		t.Errorf("product string exchange = %+v", s)
	}
	want := &Transcript{Device: usb.DeviceDesc{Bus: 1, Address: 7}, Transfers: tr.Transfers[:7]}
	got := &Transcript{Device: back.Device, Transfers: back.Transfers[6:]}
	for i := range got.Transfers {
		got.Transfers[i].Start, got.Transfers[i].End = 0, 0
	}
	got.Transfers[6].Err = want.Transfers[6].Err
	sameTranscript(t, got, want)
}

func TestWritePcapTooBig(t *testing.T) {
	tr := &Transcript{Transfers: []Transfer{{Kind: Read, Endpoint: 0x82, Length: 300000}}}
	err := tr.WritePcap(&bytes.Buffer{})
	if !errors.Is(err, ErrNotReplayable) || !strings.Contains(err.Error(), "step 0 (read ep=82 len=300000)") {
		t.Errorf("err = %v", err)
	}
}

func TestReadPcapErrors(t *testing.T) {
	var good bytes.Buffer
	loadSample(t).WritePcap(&good)
	g := good.Bytes()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no pcap header"},
		{"pcapng", append([]byte{0x0a, 0x0d, 0x0d, 0x0a}, make([]byte, 20)...), "pcapng is not read"},
		{"not pcap", make([]byte, 24), "not a pcap file"},
		{"ethernet", append(append([]byte{}, g[:20]...), 1, 0, 0, 0), "link type 1"},
		{"truncated record", g[:30], "truncated header"},
		{"truncated data", g[:24+16+10], "truncated data"},
		{"short packet", append(append(append([]byte{}, g[:24]...), 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0), 1, 2, 3, 4), "shorter than the usbmon header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPcap(bytes.NewReader(tc.data), 0, 0)
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrFormat containing %q", err, tc.want)
			}
		})
	}
}

// FuzzReadPcap checks that the usbmon capture reader never panics and that its
// errors wrap ErrFormat.
func FuzzReadPcap(f *testing.F) {
	var buf bytes.Buffer
	tr, err := ReadFile("testdata/sample.txt")
	if err != nil {
		f.Fatal(err)
	}
	tr.WritePcap(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := ReadPcap(bytes.NewReader(b), 0, 0)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error without ErrFormat: %v", err)
			}
			return
		}
		for i := range tr.Transfers {
			if x := &tr.Transfers[i]; len(x.In) > x.Length {
				t.Fatalf("step %d: %d bytes in, more than the %d asked for", i, len(x.In), x.Length)
			}
		}
	})
}
