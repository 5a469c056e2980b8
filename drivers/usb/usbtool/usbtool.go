// Package usbtool is the "enrollctl usb" sub-command: it lists the USB devices
// libusb sees, turns usbmon captures of real hardware into usbtest transcripts
// (for Playback fixtures), and turns transcripts into the device description and
// capture umockdev-run replays to a libusb program.
//
//	enrollctl usb list [-json] [-sysfs DIR]
//	enrollctl usb transcript [-bus N -addr N] CAPTURE.pcap   > session.txt
//	enrollctl usb replay -out DIR [-name NAME] SESSION.txt
//
// To capture a real device: load usbmon (modprobe usbmon), record its bus with
// Wireshark or "tcpdump -i usbmonN -w capture.pcap" while the driver runs, and
// save as pcap (not pcapng).
package usbtool

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/enrolld/enrolld/drivers/usb/libusb"
	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

// ErrUsage means the command line was wrong; the message says how.
var ErrUsage = errors.New("usb: usage")

const usage = `usage: enrollctl usb <command> [flags]

commands:
  list         list the USB devices libusb sees
  transcript   convert a usbmon pcap capture to a usbtest transcript (stdout)
  replay       write a transcript as a umockdev device description and capture
`

// Run runs "enrollctl usb" with args (without "usb").
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command", ErrUsage)
	}
	switch args[0] {
	case "list":
		return runList(ctx, args[1:], stdout, stderr)
	case "transcript":
		return runTranscript(args[1:], stdout, stderr)
	case "replay":
		return runReplay(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
}

// parse parses flags, turning flag errors into ErrUsage.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return nil
}

func runList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("usb list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	sysfs := fs.String("sysfs", "/sys", "where sysfs is mounted (under umockdev: $UMOCKDEV_DIR/sys)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	bus, err := libusb.Open(&libusb.Options{SysfsRoot: *sysfs})
	if err != nil {
		return err
	}
	defer bus.Close()
	devs, err := bus.Devices(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(devs)
	}
	for _, d := range devs {
		fmt.Fprintf(stdout, "%03d/%03d %s %-8s %s\n", d.Bus, d.Address, d.ID, d.Port,
			strings.TrimSpace(d.Manufacturer+" "+d.Product))
	}
	return nil
}

func runTranscript(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("usb transcript", flag.ContinueOnError)
	bus := fs.Int("bus", 0, "bus of the device to extract (0: the device of the first packet)")
	addr := fs.Int("addr", 0, "address of the device to extract")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: usb transcript [-bus N -addr N] CAPTURE.pcap", ErrUsage)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	tr, err := usbtest.ReadPcap(f, *bus, *addr)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	_, err = tr.WriteTo(stdout)
	return err
}

func runReplay(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("usb replay", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write NAME.umockdev and NAME.pcap into (required)")
	name := fs.String("name", "replay", "base name of the files")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return fmt.Errorf("%w: usb replay -out DIR [-name NAME] SESSION.txt", ErrUsage)
	}
	tr, err := usbtest.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	r, err := tr.WriteReplay(*out, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "umockdev-run -d %s -p %s=%s -- COMMAND\n", r.Device, r.SysfsPath, r.Capture)
	return nil
}
