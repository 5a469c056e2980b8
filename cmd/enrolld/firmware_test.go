package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/firmware"
	"github.com/enrolld/enrolld/firmware/emu"
)

func signedBundle(t *testing.T, key ed25519.PrivateKey, version string) []byte {
	t.Helper()
	v, _ := firmware.ParseVersion(version)
	cfg := emu.DefaultConfig()
	m := firmware.Manifest{Name: "test", Protocol: firmware.ProtocolDFU11, Version: v, LowestAllowed: v,
		Devices: []firmware.DeviceMatch{{Runtime: cfg.Runtime, DFU: cfg.DFU}}}
	b, err := firmware.Sign(m, emu.Image(uint16(v), 8192, 1), key)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_ = b.Encode(&buf)
	return buf.Bytes()
}

func postBundle(t *testing.T, td *testDaemon, raw []byte) (int, []progressLine) {
	t.Helper()
	resp, err := http.Post(td.url+pathFirmwareApply+"?device=1209:e101", "application/octet-stream", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var lines []progressLine
	for _, l := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		var p progressLine
		if json.Unmarshal([]byte(l), &p) == nil {
			lines = append(lines, p)
		}
	}
	if len(lines) == 0 { // a refusal is one indented JSON object
		var p progressLine
		_ = json.Unmarshal(body, &p)
		lines = append(lines, p)
	}
	return resp.StatusCode, lines
}

func TestFirmwareAPI(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{5}, 64)))
	cfg := "station: {id: fw-test}\nfirmware:\n  emulate_device: true\n  trusted_keys: [\"" +
		base64.StdEncoding.EncodeToString(pub) + "\"]\n"
	td := startTestDaemon(t, cfg, &drivers.Registry{}, nil)
	td.waitReady(t)

	code, lines := postBundle(t, td, signedBundle(t, key, "1.50"))
	last := lines[len(lines)-1]
	if code != http.StatusOK || last.Result != "success" || len(lines) < 3 {
		t.Fatalf("apply: %d %+v", code, lines)
	}
	code, lines = postBundle(t, td, signedBundle(t, key, "1.20"))
	if code != http.StatusBadRequest || !strings.Contains(lines[0].Error, "lowest allowed") {
		t.Fatalf("rollback: %d %+v", code, lines)
	}
	_, other, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{6}, 64)))
	if code, lines = postBundle(t, td, signedBundle(t, other, "1.60")); code != http.StatusBadRequest {
		t.Fatalf("foreign key: %d %+v", code, lines)
	}
	td.d.capturing.Add(1)
	if code, _ = postBundle(t, td, signedBundle(t, key, "1.70")); code != http.StatusConflict {
		t.Fatalf("update during capture answered %d, want 409", code)
	}
	td.d.capturing.Add(-1)

	var st firmwareStatus
	decodeJSON(t, td, pathFirmware, &st)
	if len(st.Devices) != 1 || st.Devices[0].Version != "1.50" || len(st.Journal) == 0 {
		t.Fatalf("status %+v", st)
	}
	_, metrics := td.get(t, "/metrics")
	for _, w := range []string{`enrolld_firmware_updates_total{result="success"} 1`, `enrolld_firmware_updates_total{result="refused"} 3`} {
		if !strings.Contains(metrics, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
}

func TestFirmwareAPIPlainDFU(t *testing.T) {
	cfg := emu.DefaultConfig()
	dfu := (&firmware.DFUFile{Payload: emu.Image(0x0200, 4096, 3), BcdDevice: 0x0200, ID: cfg.DFU, BcdDFU: 0x0100}).Encode()
	td := startTestDaemon(t, "station: {id: fw-dfu}\nfirmware: {emulate_device: true}\n", &drivers.Registry{}, nil)
	td.waitReady(t)
	if code, lines := postBundle(t, td, dfu); code != http.StatusBadRequest || !strings.Contains(lines[0].Error, "unsigned") {
		t.Fatalf("plain DFU without allow_unsigned_dfu: %d %+v", code, lines)
	}
	td2 := startTestDaemon(t, "station: {id: fw-dfu}\nfirmware: {emulate_device: true, allow_unsigned_dfu: true}\n", &drivers.Registry{}, nil)
	td2.waitReady(t)
	if code, lines := postBundle(t, td2, dfu); code != http.StatusOK || lines[len(lines)-1].Result != "success" {
		t.Fatalf("plain DFU allowed: %d %+v", code, lines)
	}
}
