package usbtest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"

	"github.com/enrolld/enrolld/drivers/usb"
)

// urbPackets returns the usbmon submission and completion packets of one
// transfer. A transfer that timed out or was cancelled gets no completion: the
// replayed device does not answer, and libusb times out or cancels as it did.
func (tr *Transcript) urbPackets(t *Transfer, idx uint64, bus uint16, dev uint8) (s usbmonPacket, c *usbmonPacket, err error) {
	if t.Kind == Control && t.Length > 0xffff {
		return s, nil, fmt.Errorf("%w: control data stage of %d bytes", ErrNotReplayable, t.Length)
	}
	if usbmonHeaderLen+max(t.Length, len(t.In), len(t.Out)) > pcapSnaplen {
		return s, nil, fmt.Errorf("%w: %d bytes exceed the pcap packet limit of %d", ErrNotReplayable, t.Length, pcapSnaplen-usbmonHeaderLen)
	}
	s = usbmonPacket{
		ID:        0xffff888000000000 | (idx+1)<<8,
		Event:     'S',
		Device:    dev,
		Bus:       bus,
		SetupFlag: '-',
		Status:    -errnoEINPROGRES,
		Length:    uint32(t.Length),
	}
	in := t.IsIn()
	if in {
		s.Flags = urbDirIn
		s.DataFlag = '<'
	}
	switch t.Kind {
	case Control:
		s.XferType = xferControl
		s.Endpoint = t.RequestType & usb.DirIn
		s.SetupFlag = 0
		s.Setup = [8]byte{t.RequestType, t.Request}
		binary.LittleEndian.PutUint16(s.Setup[2:], t.Value)
		binary.LittleEndian.PutUint16(s.Setup[4:], t.Index)
		binary.LittleEndian.PutUint16(s.Setup[6:], uint16(t.Length))
	default:
		s.Endpoint = t.Endpoint
		s.XferType, s.Interval = tr.endpointType(t.Endpoint)
	}
	if !in {
		s.Data = t.Out
		s.DataFlag = dataFlag(len(t.Out), '=')
	}
	if errors.Is(t.Err, usb.ErrTimeout) || errors.Is(t.Err, usb.ErrCancelled) {
		return s, nil, nil
	}
	done := s
	done.Event = 'C'
	done.SetupFlag = '-'
	done.Setup = [8]byte{}
	done.Status = urbStatus(t.Err)
	if in {
		done.Data = t.In
		done.Length = uint32(len(t.In))
		done.DataFlag = dataFlag(len(t.In), '=')
	} else {
		done.Data = nil
		done.DataFlag = '>'
		if t.Err != nil {
			done.Length = 0
		}
	}
	return s, &done, nil
}

// dataFlag is 0 (data present) for a non-empty payload, else none.
func dataFlag(n int, none byte) byte {
	if n > 0 {
		return 0
	}
	return none
}

// endpointType returns the usbmon transfer type and polling interval of endpoint
// ep from the device descriptor; endpoints not described are taken as bulk.
func (tr *Transcript) endpointType(ep uint8) (uint8, int32) {
	for _, c := range tr.Device.Configs {
		for _, in := range c.Interfaces {
			for _, e := range in.Endpoints {
				if e.Address != ep {
					continue
				}
				switch e.Attributes & 3 {
				case 1:
					return xferIso, int32(e.Interval)
				case 3:
					return xferInterrupt, int32(e.Interval)
				}
				return xferBulk, 0
			}
		}
	}
	return xferBulk, 0
}

// urbStatus is the negative errno the kernel reports for a completed URB.
func urbStatus(err error) int32 {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, usb.ErrStall):
		return -errnoPIPE
	case errors.Is(err, usb.ErrOverflow):
		return -errnoOVERFLOW
	case errors.Is(err, usb.ErrNoDevice):
		return -errnoNODEV
	}
	return -errnoEPROTO
}

// stringExchanges returns the GET_DESCRIPTOR(STRING) control transfers with which
// libusb_get_string_descriptor_ascii (libusb 1.0.26) reads the device's strings:
// the first language id (4 bytes), then the string (up to 255 bytes), for
// manufacturer, product and serial in turn.
func (tr *Transcript) stringExchanges() []Transfer {
	const langEnglishUS = 0x0409
	d := &tr.Device
	var out []Transfer
	for _, s := range []struct {
		idx  uint8
		text string
	}{{usb.StringManufacturer, d.Manufacturer}, {usb.StringProduct, d.Product}, {usb.StringSerial, d.Serial}} {
		if s.text == "" {
			continue
		}
		out = append(out,
			getStringDescriptor(0, 0, 4, []byte{4, usb.DescString, langEnglishUS & 0xff, langEnglishUS >> 8}),
			getStringDescriptor(s.idx, langEnglishUS, 255, stringDescriptor(s.text)))
	}
	return out
}

// getStringDescriptor is the control transfer reading string descriptor idx.
func getStringDescriptor(idx uint8, lang uint16, length int, answer []byte) Transfer {
	const getDescriptor = 0x06
	return Transfer{Kind: Control, RequestType: usb.DirIn | usb.TypeStandard | usb.RecipDevice,
		Request: getDescriptor, Value: uint16(usb.DescString)<<8 | uint16(idx), Index: lang, Length: length, In: answer}
}

// stringDescriptor encodes s as a USB string descriptor (UTF-16LE), truncated to fit.
func stringDescriptor(s string) []byte {
	u := utf16.Encode([]rune(s))
	if len(u) > 126 {
		u = u[:126]
	}
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = byte(2+2*len(u)), usb.DescString
	for _, r := range u {
		b = binary.LittleEndian.AppendUint16(b, r)
	}
	return b
}
