package dfu

import (
	"context"
	"fmt"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Interface locates the DFU interface of a device and its functional descriptor. It
// uses the class-specific bytes of the enumerated descriptor where the transport
// provides them and otherwise reads the configuration descriptor with GET_DESCRIPTOR.
func Interface(ctx context.Context, t usb.Transport) (iface uint8, protocol uint8, f Functional, err error) {
	d := t.Descriptor()
	for _, c := range d.Configs {
		for _, i := range c.Interfaces {
			if i.Class != Class || i.SubClass != SubClass {
				continue
			}
			if fd, ok := findFunctional(i.Extra); ok {
				f, err = ParseFunctional(fd)
				return i.Number, i.Protocol, f, err
			}
			return interfaceFromConfig(ctx, t)
		}
	}
	return interfaceFromConfig(ctx, t)
}

// interfaceFromConfig reads the first configuration descriptor and walks it.
func interfaceFromConfig(ctx context.Context, t usb.Transport) (uint8, uint8, Functional, error) {
	head := make([]byte, 9)
	n, err := t.Control(ctx, usb.DirIn, 6, 0x0200, 0, head)
	if err != nil {
		return 0, 0, Functional{}, fmt.Errorf("dfu: reading configuration descriptor: %w", err)
	}
	if n < 4 {
		return 0, 0, Functional{}, fmt.Errorf("%w: configuration descriptor of %d bytes", ErrProtocol, n)
	}
	total := int(le16(head[2:]))
	full := make([]byte, total)
	if n, err = t.Control(ctx, usb.DirIn, 6, 0x0200, 0, full); err != nil {
		return 0, 0, Functional{}, fmt.Errorf("dfu: reading configuration descriptor: %w", err)
	}
	return walkConfig(full[:n])
}

// walkConfig finds the DFU interface descriptor and the functional descriptor after it.
func walkConfig(b []byte) (uint8, uint8, Functional, error) {
	inDFU := false
	var iface, proto uint8
	for off := 0; off+2 <= len(b); {
		l := int(b[off])
		if l < 2 || off+l > len(b) {
			return 0, 0, Functional{}, fmt.Errorf("%w: bad descriptor length %d at offset %d", ErrProtocol, l, off)
		}
		d := b[off : off+l]
		switch {
		case d[1] == 4 && l >= 9: // interface
			inDFU = d[5] == Class && d[6] == SubClass
			iface, proto = d[2], d[7]
		case d[1] == FunctionalType && inDFU:
			f, err := ParseFunctional(d)
			return iface, proto, f, err
		}
		off += l
	}
	return 0, 0, Functional{}, ErrNoInterface
}

// findFunctional returns the functional descriptor inside class-specific extra bytes.
func findFunctional(extra []byte) ([]byte, bool) {
	for off := 0; off+2 <= len(extra); {
		l := int(extra[off])
		if l < 2 || off+l > len(extra) {
			return nil, false
		}
		if extra[off+1] == FunctionalType {
			return extra[off : off+l], true
		}
		off += l
	}
	return nil, false
}
