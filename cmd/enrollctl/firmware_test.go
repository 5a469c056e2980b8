package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/firmware"
	"github.com/enrolld/enrolld/firmware/emu"
)

func runFW(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runFirmware(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestFirmwareCommands(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k")
	payload := filepath.Join(dir, "fw.bin")
	bundle := filepath.Join(dir, "fw.bundle")
	if err := os.WriteFile(payload, emu.Image(0x0200, 9000, 4), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := [][]string{
		{"keygen", "--out", key},
		{"sign", "--key", key + ".key", "--payload", payload, "--runtime", "1209:e101", "--dfu", "1209:e1df",
			"--version", "2.00", "--lowest", "1.50", "--name", "Test", "--out", bundle},
		{"inspect", bundle},
		{"verify", "--pub", key + ".pub", bundle},
		{"apply", "--pub", key + ".pub", "--emulate", bundle},
	}
	for _, s := range steps {
		out, err := runFW(t, s...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", s, err, out)
		}
		if s[0] == "apply" && !strings.Contains(out, "from 1.00 to 2.00") {
			t.Fatalf("apply output: %s", out)
		}
	}
	if fi, _ := os.Stat(key + ".key"); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode())
	}
	raw, _ := os.ReadFile(bundle)
	raw[len(raw)-1] ^= 0xff
	_ = os.WriteFile(bundle, raw, 0o600)
	if _, err := runFW(t, "verify", "--pub", key+".pub", bundle); !errors.Is(err, firmware.ErrHashMismatch) {
		t.Fatalf("tampered payload verified: %v", err)
	}
	if _, err := runFW(t, "nonsense"); !errors.Is(err, errUsage) {
		t.Fatalf("unknown sub-command: %v", err)
	}
}

func TestFollowApply(t *testing.T) {
	stream := `{"phase":"download","done":2048,"total":4096}
{"phase":"download","done":4096,"total":4096}
{"result":"success"}
`
	var out, errOut bytes.Buffer
	if err := followApply(strings.NewReader(stream), &out, &errOut); err != nil || !strings.Contains(out.String(), "updated") {
		t.Fatalf("success stream: %v %q", err, out.String())
	}
	if !strings.Contains(errOut.String(), "100%") {
		t.Fatalf("no progress drawn: %q", errOut.String())
	}
	err := followApply(strings.NewReader(`{"phase":"download","done":1,"total":2}`+"\n"+`{"result":"error","error":"dfu: device reported errWRITE"}`+"\n"), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "errWRITE") {
		t.Fatalf("error stream: %v", err)
	}
	if err := followApply(strings.NewReader(`{"phase":"download"}`+"\n"), &out, &errOut); err == nil {
		t.Fatal("a stream cut before the result must fail")
	}
}
