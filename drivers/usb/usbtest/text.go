package usbtest

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/enrolld/enrolld/drivers/usb"
)

// textHeader is the first line of every transcript file.
const textHeader = "usbtest-transcript v1"

// WriteTo writes the transcript in its text form (see the package doc).
func (tr *Transcript) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	cw := &countWriter{w: bw}
	fmt.Fprintln(cw, textHeader)
	writeDevice(cw, &tr.Device)
	for i := range tr.Transfers {
		writeTransfer(cw, &tr.Transfers[i])
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	return cw.n, cw.err
}

// WriteFile writes the transcript's text form to path.
func (tr *Transcript) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := tr.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

func writeDevice(w io.Writer, d *usb.DeviceDesc) {
	fmt.Fprintf(w, "device id=%s bus=%d addr=%d port=%q bcdDevice=%04x bcdUSB=%04x class=%02x subclass=%02x protocol=%02x maxpacket0=%d",
		d.ID, d.Bus, d.Address, d.Port, d.BcdDevice, d.BcdUSB, d.Class, d.SubClass, d.Protocol, d.MaxPacket0)
	fmt.Fprintf(w, " manufacturer=%q product=%q serial=%q\n", d.Manufacturer, d.Product, d.Serial)
	for _, c := range d.Configs {
		fmt.Fprintf(w, "config value=%d\n", c.Value)
		for _, in := range c.Interfaces {
			fmt.Fprintf(w, "interface number=%d alt=%d class=%02x subclass=%02x protocol=%02x", in.Number, in.Alternate, in.Class, in.SubClass, in.Protocol)
			if len(in.Extra) > 0 {
				fmt.Fprintf(w, " extra=%x", in.Extra)
			}
			fmt.Fprintln(w)
			for _, e := range in.Endpoints {
				fmt.Fprintf(w, "endpoint addr=%02x attr=%02x maxpacket=%d interval=%d\n", e.Address, e.Attributes, e.MaxPacketSize, e.Interval)
			}
		}
	}
}

func writeTransfer(w io.Writer, t *Transfer) {
	switch t.Kind {
	case Control:
		fmt.Fprintf(w, "control type=%02x req=%02x value=%04x index=%04x", t.RequestType, t.Request, t.Value, t.Index)
	case Reset:
		fmt.Fprint(w, "reset")
	default:
		fmt.Fprintf(w, "%s ep=%02x", t.Kind, t.Endpoint)
	}
	switch {
	case t.Kind == Reset: // no payload
	case t.IsIn():
		fmt.Fprintf(w, " len=%d in=%x", t.Length, t.In)
	default:
		fmt.Fprintf(w, " out=%x", t.Out)
	}
	if t.Err != nil {
		code := errorCode(t.Err)
		if code == "" {
			code = "error"
		}
		fmt.Fprintf(w, " err=%s msg=%q", code, t.Err.Error())
	}
	if t.Start != 0 || t.End != 0 {
		fmt.Fprintf(w, " start=%s end=%s", t.Start, t.End)
	}
	fmt.Fprintln(w)
}
