package usbtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// maxPcapRecord bounds one record's size, so a corrupt length cannot make the
// reader allocate without limit.
const maxPcapRecord = 16 << 20

// ReadPcap reads a usbmon capture (classic pcap, LINKTYPE_USB_LINUX_MMAPPED, as
// Wireshark or tcpdump save from usbmonN, or as WritePcap writes) and returns the
// transfers of the device at bus/addr as a Transcript, pairing each submission with
// its completion. bus 0 takes the device of the first packet. The transcript's
// Device holds only the bus and address; fill in the rest from the device.
//
// Transfers submitted but never completed in the capture (a timeout or a
// cancellation) come back as timeouts. Errors wrap ErrFormat.
func ReadPcap(r io.Reader, bus, addr int) (*Transcript, error) {
	order, err := readPcapHeader(r)
	if err != nil {
		return nil, err
	}
	pr := &pcapReader{bus: bus, addr: addr, pending: map[uint64]*Transfer{}}
	rec := make([]byte, 16)
	var scratch []byte
	for n := 1; ; n++ {
		if _, err := io.ReadFull(r, rec); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%w: pcap record %d: truncated header", ErrFormat, n)
		}
		size := order.Uint32(rec[8:])
		if size > maxPcapRecord {
			return nil, fmt.Errorf("%w: pcap record %d claims %d bytes", ErrFormat, n, size)
		}
		data, err := readRecord(r, int(size), &scratch)
		if err != nil {
			return nil, fmt.Errorf("%w: pcap record %d: truncated data", ErrFormat, n)
		}
		if err := pr.packet(data); err != nil {
			return nil, fmt.Errorf("pcap record %d: %w", n, err)
		}
	}
	return pr.transcript(), nil
}

// readRecord reads size bytes into *scratch, reusing it. Records up to the pcap
// packet limit are read in one go; larger ones (only a corrupt or foreign file
// has them) grow the buffer as data arrives, so a bogus length cannot make the
// reader allocate 16 MB up front.
func readRecord(r io.Reader, size int, scratch *[]byte) ([]byte, error) {
	if size <= pcapSnaplen {
		if cap(*scratch) < size {
			*scratch = make([]byte, pcapSnaplen)
		}
		b := (*scratch)[:size]
		_, err := io.ReadFull(r, b)
		return b, err
	}
	var buf bytes.Buffer
	_, err := io.CopyN(&buf, r, int64(size))
	return buf.Bytes(), err
}

// readPcapHeader checks the pcap global header and returns the byte order of the
// record headers. usbmon headers themselves are in the capturing host's order,
// little-endian on every machine this project runs on.
func readPcapHeader(r io.Reader) (binary.ByteOrder, error) {
	h := make([]byte, 24)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, fmt.Errorf("%w: no pcap header", ErrFormat)
	}
	var order binary.ByteOrder
	switch binary.LittleEndian.Uint32(h) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		order = binary.LittleEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		order = binary.BigEndian
	case 0x0a0d0d0a:
		return nil, fmt.Errorf("%w: pcapng is not read; convert with editcap -F pcap", ErrFormat)
	default:
		return nil, fmt.Errorf("%w: not a pcap file", ErrFormat)
	}
	if lt := order.Uint32(h[20:]) & 0x0fffffff; lt != LinktypeUSBLinuxMmapped {
		return nil, fmt.Errorf("%w: link type %d, want %d (USB_LINUX_MMAPPED)", ErrFormat, lt, LinktypeUSBLinuxMmapped)
	}
	return order, nil
}

// pcapReader pairs usbmon submissions and completions.
type pcapReader struct {
	bus, addr int
	first     time.Time
	pending   map[uint64]*Transfer
	submitted []uint64 // ids in submission order, to list unfinished ones
	done      []Transfer
}

func (pr *pcapReader) packet(b []byte) error {
	if len(b) < usbmonHeaderLen {
		return fmt.Errorf("%w: %d bytes, shorter than the usbmon header", ErrFormat, len(b))
	}
	le := binary.LittleEndian
	p := usbmonPacket{ID: le.Uint64(b), Event: b[8], XferType: b[9], Endpoint: b[10], Device: b[11],
		Bus: le.Uint16(b[12:]), SetupFlag: b[14], DataFlag: b[15], Status: int32(le.Uint32(b[28:])), Length: le.Uint32(b[32:])}
	p.Time = time.Unix(int64(le.Uint64(b[16:])), int64(le.Uint32(b[24:]))*1000)
	copy(p.Setup[:], b[40:48])
	if dataLen := le.Uint32(b[36:]); uint64(dataLen) <= uint64(len(b)-usbmonHeaderLen) {
		p.Data = b[usbmonHeaderLen : usbmonHeaderLen+int(dataLen)]
	} else {
		return fmt.Errorf("%w: usbmon data length %d exceeds the %d bytes captured", ErrFormat, dataLen, len(b)-usbmonHeaderLen)
	}
	if pr.bus == 0 {
		pr.bus, pr.addr = int(p.Bus), int(p.Device)
	}
	if int(p.Bus) != pr.bus || int(p.Device) != pr.addr {
		return nil
	}
	if pr.first.IsZero() {
		pr.first = p.Time
	}
	switch p.Event {
	case 'S':
		return pr.submit(&p)
	case 'C', 'E':
		pr.complete(&p)
		return nil
	}
	return fmt.Errorf("%w: usbmon event %q", ErrFormat, p.Event)
}

func (pr *pcapReader) submit(p *usbmonPacket) error {
	t := &Transfer{Start: p.Time.Sub(pr.first), Length: int(p.Length)}
	switch p.XferType {
	case xferControl:
		if p.SetupFlag != 0 {
			return fmt.Errorf("%w: control submission without a setup packet", ErrFormat)
		}
		t.Kind = Control
		t.RequestType, t.Request = p.Setup[0], p.Setup[1]
		t.Value = binary.LittleEndian.Uint16(p.Setup[2:])
		t.Index = binary.LittleEndian.Uint16(p.Setup[4:])
		t.Length = int(binary.LittleEndian.Uint16(p.Setup[6:]))
	case xferBulk, xferInterrupt:
		t.Kind, t.Endpoint = Write, p.Endpoint
		if p.Endpoint&usb.DirIn != 0 {
			t.Kind = Read
		}
	default:
		return fmt.Errorf("%w: isochronous transfers are not supported", ErrFormat)
	}
	if !t.IsIn() {
		t.Out = append([]byte{}, p.Data...)
		t.Length = len(t.Out)
	}
	if _, dup := pr.pending[p.ID]; !dup {
		pr.submitted = append(pr.submitted, p.ID)
	}
	pr.pending[p.ID] = t
	return nil
}

func (pr *pcapReader) complete(p *usbmonPacket) {
	t, ok := pr.pending[p.ID]
	if !ok {
		return // submitted before the capture began, or by the kernel
	}
	delete(pr.pending, p.ID)
	t.End = p.Time.Sub(pr.first)
	if t.IsIn() {
		t.In = append([]byte{}, p.Data...)
		if len(t.In) > t.Length {
			t.In = t.In[:t.Length]
		}
	}
	t.Err = statusError(p.Status)
	pr.done = append(pr.done, *t)
}

// transcript returns the completed transfers followed by unfinished ones as timeouts.
func (pr *pcapReader) transcript() *Transcript {
	tr := &Transcript{Device: usb.DeviceDesc{Bus: pr.bus, Address: pr.addr}, Transfers: pr.done}
	for _, id := range pr.submitted {
		if t, ok := pr.pending[id]; ok {
			t.Err = &recordedError{msg: "no completion in the capture", sentinel: usb.ErrTimeout}
			t.End = t.Start
			tr.Transfers = append(tr.Transfers, *t)
			delete(pr.pending, id)
		}
	}
	return tr
}

// statusError maps a URB status (negative errno) to the usb sentinels.
func statusError(status int32) error {
	const errnoREMOTEIO, errnoSHUTDOWN, errnoCONNRESET = 121, 108, 104
	switch -status {
	case 0, errnoREMOTEIO:
		return nil
	case errnoPIPE:
		return &recordedError{msg: "usbmon: stall (-EPIPE)", sentinel: usb.ErrStall}
	case errnoOVERFLOW:
		return &recordedError{msg: "usbmon: overflow (-EOVERFLOW)", sentinel: usb.ErrOverflow}
	case errnoNODEV, errnoSHUTDOWN:
		return &recordedError{msg: fmt.Sprintf("usbmon: no device (%d)", status), sentinel: usb.ErrNoDevice}
	case errnoNOENT, errnoCONNRESET:
		return &recordedError{msg: fmt.Sprintf("usbmon: cancelled (%d)", status), sentinel: usb.ErrCancelled}
	}
	return fmt.Errorf("usbmon: URB status %d", status)
}
