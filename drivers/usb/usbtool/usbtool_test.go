package usbtool

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb/usbtest"
)

const sample = "../usbtest/testdata/sample.txt"

func run(args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestReplayThenTranscript(t *testing.T) {
	dir := t.TempDir()
	out, _, err := run("replay", "-out", dir, "-name", "s", sample)
	if err != nil {
		t.Fatal(err)
	}
	pcap := filepath.Join(dir, "s.pcap")
	want := "umockdev-run -d " + filepath.Join(dir, "s.umockdev") + " -p /sys/devices/pci0000:00/0000:00:14.0/usb1/1-2=" + pcap + " -- COMMAND\n"
	if out != want {
		t.Errorf("replay printed %q, want %q", out, want)
	}
	dev, err := os.ReadFile(filepath.Join(dir, "s.umockdev"))
	if err != nil || !strings.HasPrefix(string(dev), "P: /devices/pci0000:00/0000:00:14.0/usb1/1-2\n") {
		t.Errorf("device file: %v\n%s", err, dev)
	}
	text, _, err := run("transcript", "-bus", "1", "-addr", "7", pcap)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := usbtest.ReadTranscript(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	// 6 string exchanges and the 7 URBs of the sample (its reset is not a URB).
	if len(tr.Transfers) != 13 || tr.Device.Bus != 1 || tr.Device.Address != 7 {
		t.Errorf("transcript of the capture:\n%s", text)
	}
}

func TestUsage(t *testing.T) {
	tests := [][]string{
		nil,
		{"frobnicate"},
		{"transcript"},
		{"replay", sample},
		{"list", "-bogus"},
	}
	for _, args := range tests {
		if _, _, err := run(args...); !errors.Is(err, ErrUsage) {
			t.Errorf("%q: %v, want ErrUsage", args, err)
		}
	}
	if out, _, err := run("help"); err != nil || !strings.Contains(out, "commands:") {
		t.Errorf("help: %v %q", err, out)
	}
}

func TestTranscriptOfBadFile(t *testing.T) {
	if _, _, err := run("transcript", sample); !errors.Is(err, usbtest.ErrFormat) {
		t.Errorf("a text file as capture: %v, want ErrFormat", err)
	}
}
