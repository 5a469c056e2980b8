package ansinist

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

const oracleDir = "../../../../shared/data/nbis-oracle/an2k"

// oracleCases lists the NBIS test transactions (one directory each).
func oracleCases(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(oracleDir, "*", "input.an2"))
	if err != nil || len(dirs) == 0 {
		t.Skipf("NBIS oracle data not found under %s (../shared absent)", oracleDir)
	}
	return dirs
}

// TestNBISOracle parses every NBIS test transaction, compares the dump with NBIS's
// an2k2txt output line by line (data fields byte for byte with NBIS's fld_R_F.tmp
// files) and checks that re-encoding gives the input back byte for byte.
func TestNBISOracle(t *testing.T) {
	for _, in := range oracleCases(t) {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := Unmarshal(raw)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			checkDump(t, dir, tx)
			checkTyped(t, tx)
			out, err := tx.Marshal()
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			if !bytes.Equal(out, raw) {
				t.Errorf("re-encoding differs from the input first at byte %d (len %d vs %d)", firstDiff(out, raw), len(out), len(raw))
			}
		})
	}
}

func checkDump(t *testing.T, dir string, tx *Transaction) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join(dir, "an2k2txt.txt"))
	if os.IsNotExist(err) {
		// NBIS rejects face_jpb_DOM_GMT_DCS for its 1.015 DCS field; check what we read.
		if len(tx.Records) != 2 || tx.Records[0].Field(15) == nil || tx.Records[1].Type != 10 {
			t.Fatalf("unexpected structure: %d records", len(tx.Records))
		}
		if d := tx.Records[1].Data(999); len(d) < 4 || !bytes.HasPrefix(d, []byte{0xFF, 0xD8}) || !bytes.HasSuffix(d, []byte{0xFF, 0xD9}) {
			t.Fatalf("10.999 is not a complete JPEG (%d bytes)", len(d))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	data := func(rec, field int, r *Record, f *Field) (string, error) {
		name := fmt.Sprintf("fld_%d_%d.tmp", rec, field)
		ref, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		if !bytes.Equal(ref, f.Data) {
			return "", fmt.Errorf("%s: data differs (%d vs %d bytes)", name, len(f.Data), len(ref))
		}
		compared++
		return name, nil
	}
	var got bytes.Buffer
	if err := Dump(&got, tx, &DumpOptions{Data: data, NBIS: true}); err != nil {
		t.Fatal(err)
	}
	gl := bytes.Split(got.Bytes(), []byte("\n"))
	wl := bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			t.Fatalf("dump line %d:\n got  %q\n want %q", i+1, g, w)
		}
	}
	if compared == 0 && bytes.Contains(want, []byte(".tmp")) {
		t.Error("no data field compared")
	}
}

func firstDiff(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestExtraTransaction parses and round-trips the loose 0502 file next to the NBIS cases.
func TestExtraTransaction(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(oracleDir, "t_0502.an2"))
	if err != nil {
		t.Skipf("no t_0502.an2: %v", err)
	}
	tx, err := Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tx.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, raw) {
		t.Errorf("re-encoding differs at byte %d", firstDiff(out, raw))
	}
}

// checkTyped reads every record the typed helpers cover.
func checkTyped(t *testing.T, tx *Transaction) {
	t.Helper()
	if _, err := tx.Header(); err != nil {
		t.Errorf("header: %v", err)
	}
	if err := tx.Validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
	for i, r := range tx.Records {
		var err error
		switch r.Type {
		case 3, 4, 5, 6:
			_, err = LegacyFingerprintOf(r)
		case 8:
			_, err = SignatureOf(r)
		case 10:
			_, err = FaceImageOf(r)
		case 13, 14:
			_, err = FrictionRidgeImageOf(r)
		}
		if err != nil {
			t.Errorf("record %d (type %d): %v", i+1, r.Type, err)
		}
	}
}
