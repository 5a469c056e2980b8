package usbtest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Sentinel errors of this package; every error returned wraps one of them.
var (
	// ErrUnexpected means Playback saw a transfer the transcript did not expect
	// (another kind, endpoint, setup packet, length or OUT payload, or one too many).
	ErrUnexpected = errors.New("usbtest: unexpected transfer")
	// ErrUnconsumed means Playback was closed before every recorded transfer was made.
	ErrUnconsumed = errors.New("usbtest: expected transfers not made")
	// ErrFormat means a transcript, pcap or device file could not be parsed.
	ErrFormat = errors.New("usbtest: bad format")
	// ErrNotReplayable means a transfer cannot be expressed in a usbmon capture.
	ErrNotReplayable = errors.New("usbtest: transfer cannot be replayed from a capture")
)

// Kind is the kind of a transfer.
type Kind uint8

// The transfer kinds a usb.Transport makes.
const (
	Control Kind = iota + 1 // a control transfer on endpoint 0
	Read                    // a bulk or interrupt IN transfer
	Write                   // a bulk or interrupt OUT transfer
	Reset                   // a USB port reset (usb.Resetter)
)

// String returns the keyword used in the text form: "control", "read" or "write".
func (k Kind) String() string {
	switch k {
	case Control:
		return "control"
	case Read:
		return "read"
	case Write:
		return "write"
	case Reset:
		return "reset"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Transfer is one transfer as a usb.Transport saw it: what the driver asked for and
// what the device answered.
type Transfer struct {
	// Kind says whether this was a control transfer, a read or a write.
	Kind Kind
	// RequestType, Request, Value and Index are the setup packet of a control
	// transfer (bmRequestType, bRequest, wValue, wIndex); zero otherwise.
	RequestType uint8
	Request     uint8
	Value       uint16
	Index       uint16
	// Endpoint is the endpoint address of a read (with bit 7 set) or write; 0 for
	// control transfers.
	Endpoint uint8
	// Length is the number of bytes asked for: wLength of a control transfer, the
	// buffer size of a read, the payload size of a write.
	Length int
	// Out is the payload sent (control OUT or write).
	Out []byte
	// In is the payload received (control IN or read).
	In []byte
	// Err is the error the transfer ended with, nil on success. Recorded errors keep
	// their sentinel (usb.ErrTimeout, usb.ErrStall, …) through the text form.
	Err error
	// Start and End are when the transfer was submitted and when it completed,
	// measured from the start of the recording (zero when unknown). The pcap writer
	// uses them to order submissions and completions.
	Start, End time.Duration
}

// IsIn reports whether data flows from device to host.
func (t *Transfer) IsIn() bool {
	if t.Kind == Control {
		return t.RequestType&usb.DirIn != 0
	}
	return t.Kind == Read
}

// queue names the endpoint queue the transfer belongs to: 0 for control, else the
// endpoint address.
func (t *Transfer) queue() uint8 {
	if t.Kind == Control || t.Kind == Reset {
		return 0
	}
	return t.Endpoint
}

// request describes what the driver asked for, without the answer, for error
// messages ("control c0 04 0007 0000 len=1", "write 02 out=0a0b").
func (t *Transfer) request() string {
	var b strings.Builder
	switch t.Kind {
	case Control:
		fmt.Fprintf(&b, "control type=%02x req=%02x value=%04x index=%04x", t.RequestType, t.Request, t.Value, t.Index)
	case Reset:
		return "reset"
	default:
		fmt.Fprintf(&b, "%s ep=%02x", t.Kind, t.Endpoint)
	}
	if t.IsIn() {
		fmt.Fprintf(&b, " len=%d", t.Length)
	} else {
		fmt.Fprintf(&b, " out=%s", shortHex(t.Out))
	}
	return b.String()
}

// shortHex formats data as hex, eliding the middle of long payloads.
func shortHex(p []byte) string {
	if len(p) <= 32 {
		return hex.EncodeToString(p)
	}
	return fmt.Sprintf("%s…%s (%d bytes)", hex.EncodeToString(p[:16]), hex.EncodeToString(p[len(p)-8:]), len(p))
}

// Transcript is a recorded USB session: the device as it described itself and every
// transfer, in the order the transfers completed.
type Transcript struct {
	Device    usb.DeviceDesc // the device's descriptors as enumerated
	Transfers []Transfer     // every transfer, in completion order
}

// errorCodes maps the usb sentinels to their names in the text form.
var errorCodes = []struct {
	name string
	err  error
}{
	{"timeout", usb.ErrTimeout},
	{"stall", usb.ErrStall},
	{"nodevice", usb.ErrNoDevice},
	{"overflow", usb.ErrOverflow},
	{"cancelled", usb.ErrCancelled},
}

// errorCode returns the text-form name of err's sentinel, or "" if it has none.
func errorCode(err error) string {
	for _, c := range errorCodes {
		if errors.Is(err, c.err) {
			return c.name
		}
	}
	return ""
}

// codeError returns the sentinel named code, or nil.
func codeError(code string) error {
	for _, c := range errorCodes {
		if c.name == code {
			return c.err
		}
	}
	return nil
}

// ClearTimes drops the recorded submission and completion times, which differ
// from run to run, so a transcript can be compared with a golden file. Transfers
// keep their (completion) order; a capture written afterwards puts each
// submission just before its completion, which umockdev still replays to a
// driver that keeps transfers pending concurrently.
func (tr *Transcript) ClearTimes() {
	for i := range tr.Transfers {
		tr.Transfers[i].Start, tr.Transfers[i].End = 0, 0
	}
}
