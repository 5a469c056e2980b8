package usbtest

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// LinktypeUSBLinuxMmapped is the pcap link type of Linux usbmon captures with the
// 64-byte header (LINKTYPE_USB_LINUX_MMAPPED), the only kind umockdev replays.
const LinktypeUSBLinuxMmapped = 220

// usbmonHeaderLen is the size of the usbmon header before each packet's data.
const usbmonHeaderLen = 64

// pcapSnaplen is the largest packet (header plus data) libpcap accepts for this
// link type; a transfer with more data cannot be written.
const pcapSnaplen = 262144

// usbmon transfer types (the kernel's URB types).
const (
	xferIso       = 0
	xferInterrupt = 1
	xferControl   = 2
	xferBulk      = 3
)

// Linux errno values usbmon reports as URB status.
const (
	errnoNOENT      = 2
	errnoNODEV      = 19
	errnoPIPE       = 32
	errnoOVERFLOW   = 75
	errnoEPROTO     = 71
	errnoEINPROGRES = 115
)

// urbDirIn is the URB_DIR_IN transfer flag usbmon reports on IN transfers.
const urbDirIn = 0x200

// pcapEpoch is the capture time of the first packet of a written pcap file; captures
// from transcripts are deterministic.
var pcapEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// usbmonPacket is one usbmon event: a submission ('S') or completion ('C') of a URB.
type usbmonPacket struct {
	ID        uint64
	Event     byte // 'S', 'C' or 'E'
	XferType  uint8
	Endpoint  uint8 // with direction bit
	Device    uint8
	Bus       uint16
	SetupFlag byte // 0 when Setup is valid, '-' otherwise
	DataFlag  byte // 0 when Data is present, '<' or '>' or '=' otherwise
	Time      time.Time
	Status    int32
	Length    uint32 // urb length: asked for on submission, transferred on completion
	Setup     [8]byte
	Interval  int32
	Flags     uint32
	Data      []byte
}

// marshal encodes p as the 64-byte usbmon header followed by its data.
func (p *usbmonPacket) marshal() []byte {
	b := make([]byte, usbmonHeaderLen+len(p.Data))
	le := binary.LittleEndian
	le.PutUint64(b[0:], p.ID)
	b[8] = p.Event
	b[9] = p.XferType
	b[10] = p.Endpoint
	b[11] = p.Device
	le.PutUint16(b[12:], p.Bus)
	b[14] = p.SetupFlag
	b[15] = p.DataFlag
	le.PutUint64(b[16:], uint64(p.Time.Unix()))
	le.PutUint32(b[24:], uint32(p.Time.Nanosecond()/1000))
	le.PutUint32(b[28:], uint32(p.Status))
	le.PutUint32(b[32:], p.Length)
	le.PutUint32(b[36:], uint32(len(p.Data)))
	copy(b[40:48], p.Setup[:])
	le.PutUint32(b[48:], uint32(p.Interval))
	le.PutUint32(b[52:], 0) // start frame (isochronous only)
	le.PutUint32(b[56:], p.Flags)
	le.PutUint32(b[60:], 0) // number of isochronous descriptors
	copy(b[64:], p.Data)
	return b
}

// WritePcap writes the transcript as a usbmon capture (pcap,
// LINKTYPE_USB_LINUX_MMAPPED) that umockdev-run --pcap replays to a libusb program.
// See the package doc for what replays faithfully.
func (tr *Transcript) WritePcap(w io.Writer) error {
	pkts, err := tr.usbmonPackets()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	le := binary.LittleEndian
	hdr := make([]byte, 24)
	le.PutUint32(hdr[0:], 0xa1b2c3d4)
	le.PutUint16(hdr[4:], 2)
	le.PutUint16(hdr[6:], 4)
	le.PutUint32(hdr[16:], pcapSnaplen)
	le.PutUint32(hdr[20:], LinktypeUSBLinuxMmapped)
	bw.Write(hdr)
	rec := make([]byte, 16)
	for i := range pkts {
		b := pkts[i].marshal()
		le.PutUint32(rec[0:], uint32(pkts[i].Time.Unix()))
		le.PutUint32(rec[4:], uint32(pkts[i].Time.Nanosecond()/1000))
		le.PutUint32(rec[8:], uint32(len(b)))
		le.PutUint32(rec[12:], uint32(len(b)))
		bw.Write(rec)
		bw.Write(b)
	}
	return bw.Flush()
}

// WritePcapFile writes the transcript's usbmon capture to path.
func (tr *Transcript) WritePcapFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := tr.WritePcap(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pcapEvent places one packet in time; seq breaks ties.
type pcapEvent struct {
	at  time.Duration
	seq int
	pkt usbmonPacket
}

// usbmonPackets turns the transcript into submission and completion packets in
// time order. String descriptor exchanges for the device's strings come first, so
// a program that asks for them (as libusb_get_string_descriptor_ascii does) gets
// them; umockdev skips standard requests nobody makes.
func (tr *Transcript) usbmonPackets() ([]usbmonPacket, error) {
	bus, dev := replayAddress(&tr.Device)
	pre := tr.stringExchanges()
	all := append(pre, tr.Transfers...)
	timed := hasTimes(tr.Transfers)
	var events []pcapEvent
	for i := range all {
		t := &all[i]
		if t.Kind == Reset {
			continue // a reset is an ioctl, not a URB; umockdev accepts it silently
		}
		start, end := t.Start, t.End
		if !timed || i < len(pre) {
			start, end = time.Duration(2*i)*time.Millisecond, time.Duration(2*i+1)*time.Millisecond
		} else {
			off := time.Duration(2*len(pre)) * time.Millisecond
			start, end = start+off, max(end, start)+off
		}
		s, c, err := tr.urbPackets(t, uint64(i), bus, dev)
		if err != nil {
			return nil, fmt.Errorf("step %d (%s): %w", i-len(pre), t.request(), err)
		}
		events = append(events, pcapEvent{start, 2 * i, s})
		if c != nil {
			events = append(events, pcapEvent{end, 2*i + 1, *c})
		}
	}
	sort.SliceStable(events, func(a, b int) bool {
		if events[a].at != events[b].at {
			return events[a].at < events[b].at
		}
		return events[a].seq < events[b].seq
	})
	pkts := make([]usbmonPacket, len(events))
	for i, e := range events {
		pkts[i] = e.pkt
		pkts[i].Time = pcapEpoch.Add(e.at)
	}
	return pkts, nil
}

// hasTimes reports whether the transfers carry recorded times.
func hasTimes(ts []Transfer) bool {
	for i := range ts {
		if ts[i].Start != 0 || ts[i].End != 0 {
			return true
		}
	}
	return false
}

// replayAddress returns the bus and device number the replayed device has; a
// transcript without them (hand-written) gets bus 1, device 2.
func replayAddress(d *usb.DeviceDesc) (bus uint16, dev uint8) {
	bus, dev = uint16(d.Bus), uint8(d.Address)
	if d.Bus <= 0 || d.Bus > 0xffff {
		bus = 1
	}
	if d.Address <= 0 || d.Address > 127 {
		dev = 2
	}
	return bus, dev
}
