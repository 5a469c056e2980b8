package usbtest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/enrolld/enrolld/drivers/usb"
)

// ReadFile reads a transcript's text form from path.
func ReadFile(path string) (*Transcript, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr, err := ReadTranscript(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tr, nil
}

// ReadTranscript parses a transcript's text form. Errors wrap ErrFormat and name the line.
func ReadTranscript(r io.Reader) (*Transcript, error) {
	br := bufio.NewReader(r)
	tr := &Transcript{}
	p := &textParser{tr: tr}
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadString('\n')
		if line != "" {
			if perr := p.line(lineNo, strings.TrimRight(line, "\r\n")); perr != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, perr)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if !p.sawHeader {
		return nil, fmt.Errorf("%w: empty transcript (no %q line)", ErrFormat, textHeader)
	}
	return tr, nil
}

// textParser holds the state of ReadTranscript between lines.
type textParser struct {
	tr        *Transcript
	sawHeader bool
	sawDevice bool
}

func (p *textParser) line(n int, line string) error {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil
	}
	if !p.sawHeader {
		if trimmed != textHeader {
			return fmt.Errorf("%w: want %q first, got %q", ErrFormat, textHeader, clip(trimmed))
		}
		p.sawHeader = true
		return nil
	}
	f, err := splitLine(trimmed)
	if err != nil {
		return err
	}
	switch f.keyword {
	case "device":
		err = p.device(f)
	case "config", "interface", "endpoint":
		err = p.descriptor(f)
	case "control", "read", "write", "reset":
		var t Transfer
		if t, err = parseTransfer(f); err == nil {
			p.tr.Transfers = append(p.tr.Transfers, t)
		}
	default:
		return fmt.Errorf("%w: unknown keyword %q", ErrFormat, clip(f.keyword))
	}
	if err != nil {
		return err
	}
	return f.unused()
}

func (p *textParser) device(f *fields) error {
	if p.sawDevice {
		return fmt.Errorf("%w: second device line", ErrFormat)
	}
	p.sawDevice = true
	d := &p.tr.Device
	var err error
	id, e := usb.ParseID(f.str("id"))
	if e != nil {
		keepFirst(&err, fmt.Errorf("%w: %v", ErrFormat, e))
	}
	d.ID = id
	d.Bus = int(f.dec("bus", 16, &err))
	d.Address = int(f.dec("addr", 16, &err))
	d.Port = f.str("port")
	d.BcdDevice = f.hex16("bcdDevice", &err)
	d.BcdUSB = f.hex16("bcdUSB", &err)
	d.Class = f.hex8("class", &err)
	d.SubClass = f.hex8("subclass", &err)
	d.Protocol = f.hex8("protocol", &err)
	d.MaxPacket0 = uint8(f.dec("maxpacket0", 8, &err))
	d.Manufacturer = f.str("manufacturer")
	d.Product = f.str("product")
	d.Serial = f.str("serial")
	return err
}

// descriptor parses config, interface and endpoint lines, each nested in the last
// line of the enclosing kind.
func (p *textParser) descriptor(f *fields) error {
	d := &p.tr.Device
	var err error
	switch f.keyword {
	case "config":
		d.Configs = append(d.Configs, usb.ConfigDesc{Value: uint8(f.dec("value", 8, &err))})
	case "interface":
		if len(d.Configs) == 0 {
			return fmt.Errorf("%w: interface before any config", ErrFormat)
		}
		c := &d.Configs[len(d.Configs)-1]
		c.Interfaces = append(c.Interfaces, usb.InterfaceDesc{
			Number:    uint8(f.dec("number", 8, &err)),
			Alternate: uint8(f.dec("alt", 8, &err)),
			Class:     f.hex8("class", &err),
			SubClass:  f.hex8("subclass", &err),
			Protocol:  f.hex8("protocol", &err),
			Extra:     f.bytes("extra", &err),
		})
	case "endpoint":
		if len(d.Configs) == 0 || len(d.Configs[len(d.Configs)-1].Interfaces) == 0 {
			return fmt.Errorf("%w: endpoint before any interface", ErrFormat)
		}
		c := &d.Configs[len(d.Configs)-1]
		in := &c.Interfaces[len(c.Interfaces)-1]
		in.Endpoints = append(in.Endpoints, usb.EndpointDesc{
			Address:       f.hex8("addr", &err),
			Attributes:    f.hex8("attr", &err),
			MaxPacketSize: uint16(f.dec("maxpacket", 16, &err)),
			Interval:      uint8(f.dec("interval", 8, &err)),
		})
	}
	return err
}

func parseTransfer(f *fields) (Transfer, error) {
	var t Transfer
	var err error
	switch f.keyword {
	case "control":
		t.Kind = Control
		t.RequestType = f.hex8("type", &err)
		t.Request = f.hex8("req", &err)
		t.Value = f.hex16("value", &err)
		t.Index = f.hex16("index", &err)
	case "read", "write":
		t.Kind = Read
		if f.keyword == "write" {
			t.Kind = Write
		}
		t.Endpoint = f.hex8("ep", &err)
		if err == nil && (t.Endpoint&usb.DirIn != 0) != (t.Kind == Read) {
			return t, fmt.Errorf("%w: %s on endpoint %02x, whose direction bit says otherwise", ErrFormat, t.Kind, t.Endpoint)
		}
	case "reset":
		t.Kind = Reset
	}
	if err != nil {
		return t, err
	}
	switch {
	case t.Kind == Reset: // no payload
	case t.IsIn():
		t.Length = int(f.dec("len", 31, &err))
		t.In = f.bytes("in", &err)
		if err == nil && len(t.In) > t.Length {
			return t, fmt.Errorf("%w: %d bytes in, more than len=%d", ErrFormat, len(t.In), t.Length)
		}
	default:
		t.Out = f.bytes("out", &err)
		t.Length = len(t.Out)
	}
	if t.Kind == Control && t.Length > 0xffff {
		return t, fmt.Errorf("%w: control transfer of %d bytes exceeds wLength", ErrFormat, t.Length)
	}
	t.Err = parseTransferError(f, &err)
	t.Start = f.duration("start", &err)
	t.End = f.duration("end", &err)
	return t, err
}

// parseTransferError rebuilds a recorded error, keeping its sentinel and message.
func parseTransferError(f *fields, err *error) error {
	if !f.has("err") {
		if f.has("msg") {
			keepFirst(err, fmt.Errorf("%w: msg= without err=", ErrFormat))
		}
		return nil
	}
	code, msg := f.str("err"), f.str("msg")
	sentinel := codeError(code)
	if sentinel == nil && code != "error" {
		keepFirst(err, fmt.Errorf("%w: err=%q is not one of timeout, stall, nodevice, overflow, cancelled, error", ErrFormat, clip(code)))
		return nil
	}
	if msg == "" {
		msg = code
		if sentinel != nil {
			msg = sentinel.Error()
		}
	}
	return &recordedError{msg: msg, sentinel: sentinel}
}

// recordedError is an error read back from a transcript: its original message, and
// its original sentinel for errors.Is.
type recordedError struct {
	msg      string
	sentinel error
}

func (e *recordedError) Error() string { return e.msg }
func (e *recordedError) Unwrap() error { return e.sentinel }
