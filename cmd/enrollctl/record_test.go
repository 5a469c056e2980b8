package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enrolld/enrolld/capture/record/ansinist"
	"github.com/enrolld/enrolld/capture/record/iso19794"
	"github.com/enrolld/enrolld/capture/record/wsq"
)

func runRec(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runRecord(context.Background(), args, &out, &errOut)
	return out.String(), err
}

// writeTestInputs writes two synthetic ridge patterns, a face JPEG and signature vectors.
func writeTestInputs(t *testing.T, dir string) {
	t.Helper()
	for i, name := range []string{"f2.png", "f7.png"} {
		g := image.NewGray(image.Rect(0, 0, 200, 240))
		for y := 0; y < 240; y++ {
			for x := 0; x < 200; x++ {
				v := 128 + 100*math.Sin(float64(x+y*(i+1))/3+float64(y*y)/900)
				g.SetGray(x, y, color.Gray{uint8(v)})
			}
		}
		writePNG(t, filepath.Join(dir, name), g)
	}
	face := image.NewRGBA(image.Rect(0, 0, 120, 160))
	for y := 0; y < 160; y++ {
		for x := 0; x < 120; x++ {
			face.Set(x, y, color.RGBA{uint8(x * 2), uint8(y), 90, 255})
		}
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, face, nil); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "face.jpg"), jb.Bytes())
	mustWrite(t, filepath.Join(dir, "sig.csv"), []byte("# x,y,pressure\n0,0,0\n100,40,120\n200,80,130\n"))
	sig := image.NewGray(image.Rect(0, 0, 64, 16))
	writePNG(t, filepath.Join(dir, "sig.png"), sig)
}

func writePNG(t *testing.T, path string, img image.Image) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, path, b.Bytes())
}

func mustWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

const testRecordYAML = `header:
  tot: ENR
  date: 2026-11-22
  dai: DEST00001
  ori: ORIG00001
  tcn: TCN-0001
  utf8: true
type2:
  - {num: 18, value: "DOE,JOHN"}
  - {num: 47, subfields: [[a, b], [c, "Zoë"]]}
fingers:
  - {position: 2, file: f2.png, nfiq: 2}
face: face.jpg
signature: sig.csv
profile:
  name: test
  tot: [ENR]
  records: [{type: 14, min: 1}]
  type2:
    - {num: 18, name: NAM, required: true}
    - {num: 22, name: DOB, required: true, chars: N, min_len: 8, max_len: 8}
`

func TestRecordBuildAndDump(t *testing.T) {
	dir := t.TempDir()
	writeTestInputs(t, dir)
	cfg := filepath.Join(dir, "enroll.yaml")
	mustWrite(t, cfg, []byte(testRecordYAML))
	out := filepath.Join(dir, "out.an2")
	msg, err := runRec(t, "build", "-config", cfg, "-o", out, "-field", "2.022=19700208", "-finger", "7="+filepath.Join(dir, "f7.png"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "6 records") {
		t.Fatalf("build said %q", msg)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("output file: %v %v", fi, err)
	}
	dataDir := t.TempDir()
	dump, err := runRec(t, "dump", out, "-data-dir", dataDir, "-validate")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"1.2.1.1 [1.002]=0502\n", "1.4.1.1 [1.004]=ENR\n", "[1.015]=003\n",
		"2.3.1.1 [2.018]=DOE,JOHN\n", "2.4.2.2 [2.047]=Zoë\n", "2.5.1.1 [2.022]=19700208\n",
		"3.11.1.1 [14.011]=WSQ20\n", "[14.022]=2\n", "4.13.1.1 [14.013]=7\n",
		"[10.011]=JPEGB\n", "[10.012]=SRGB\n", "6.4.1.1 [8.004]=2\n",
	} {
		if !strings.Contains(dump, want) {
			t.Errorf("dump lacks %q", want)
		}
	}
	// The finger data written by -data-dir is a WSQ file of the right size.
	fld := strings.TrimSuffix(dump[strings.Index(dump, "[14.999]=")+len("[14.999]="):], "\n")
	fld = fld[:strings.IndexByte(fld, '\n')]
	b, err := os.ReadFile(filepath.Join(dataDir, fld))
	if err != nil {
		t.Fatal(err)
	}
	img, err := wsq.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 200 || img.Bounds().Dy() != 240 {
		t.Fatalf("finger data: %v %v", err, img)
	}
	// The summarised dump names sizes instead of files; -nbis ends lines with US.
	plain, _ := runRec(t, "dump", out)
	nbis, _ := runRec(t, "dump", "-nbis", out)
	if !strings.Contains(plain, " bytes>\n") || !strings.Contains(nbis, "\x1f\n") {
		t.Error("dump options not honoured")
	}
}

func TestRecordBuildFlagsOnly(t *testing.T) {
	dir := t.TempDir()
	writeTestInputs(t, dir)
	out := filepath.Join(dir, "x.an2")
	_, err := runRec(t, "build", "-o", out, "-tot", "CAR", "-dai", "D", "-ori", "O", "-tcn", "T", "-version", "0400",
		"-field", "18=SMITH,JANE", "-field", "47=a|b;c", "-signature", filepath.Join(dir, "sig.png"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(out)
	tx, err := ansinist.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ansinist.SignatureOf(tx.Records[2])
	if err != nil || s.Representation != ansinist.SignatureScanned || s.Width != 64 || len(s.Data) != 64*16 {
		t.Fatalf("signature %+v %v", s, err)
	}
	if f := tx.Records[1].Field(47); f.Item(0, 1) != "b" || f.Item(1, 0) != "c" {
		t.Fatalf("2.047 = %+v", f.Subfields)
	}
}

func TestRecordErrors(t *testing.T) {
	dir := t.TempDir()
	writeTestInputs(t, dir)
	cfg := filepath.Join(dir, "enroll.yaml")
	mustWrite(t, cfg, []byte(testRecordYAML))
	out := filepath.Join(dir, "bad.an2")
	// The profile requires 2.022 DOB.
	_, err := runRec(t, "build", "-config", cfg, "-o", out)
	if !errors.Is(err, ansinist.ErrMissing) || !strings.Contains(err.Error(), "field 2.022") {
		t.Fatalf("profile violation: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("a failed build wrote its output")
	}
	// A corrupted transaction names record, field and offset.
	good := filepath.Join(dir, "good.an2")
	if _, err := runRec(t, "build", "-config", cfg, "-o", good, "-field", "22=19700208"); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)
	mustWrite(t, out, raw[:len(raw)-10])
	if _, err := runRec(t, "dump", out); !errors.Is(err, ansinist.ErrTruncated) || !strings.Contains(err.Error(), "at byte") {
		t.Fatalf("truncated dump: %v", err)
	}
	for _, args := range [][]string{nil, {"frob"}, {"dump"}, {"dump", "-bogus", "x"}, {"build"}, {"build", "-o", out, "-field", "x"}} {
		if _, err := runRec(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	for _, args := range [][]string{{"-h"}, {"dump", "-h"}, {"build", "-help"}} {
		if _, err := runRec(t, args...); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%q: %v, want flag.ErrHelp", args, err)
		}
	}
	// Through the dispatcher: usage errors exit 2, help exits 0.
	var o, e bytes.Buffer
	if code := run(context.Background(), []string{"record", "frob"}, &o, &e); code != 2 {
		t.Errorf("exit %d for a bad sub-command", code)
	}
	if code := run(context.Background(), []string{"help", "record"}, &o, &e); code != 0 || !strings.Contains(o.String(), "enrollctl record COMMAND") {
		t.Errorf("help record: exit %d, %q", code, o.String()+e.String())
	}
}

// TestRecordDumpMatchesNBIS runs the CLI on NBIS test transactions: stdout with -nbis
// equals an2k2txt's output and -data-dir writes the same fld_R_F.tmp files.
func TestRecordDumpMatchesNBIS(t *testing.T) {
	dirs, _ := filepath.Glob("../../../shared/data/nbis-oracle/an2k/*/an2k2txt.txt")
	if len(dirs) == 0 {
		t.Skip("NBIS oracle data (../shared) absent")
	}
	for _, txt := range dirs {
		dir := filepath.Dir(txt)
		want, _ := os.ReadFile(txt)
		out := t.TempDir()
		got, err := runRec(t, "dump", "-nbis", "-data-dir", out, filepath.Join(dir, "input.an2"))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if got != string(want) {
			t.Errorf("%s: dump differs from an2k2txt", filepath.Base(dir))
		}
		files, _ := filepath.Glob(filepath.Join(dir, "fld_*.tmp"))
		for _, f := range files {
			a, _ := os.ReadFile(f)
			b, err := os.ReadFile(filepath.Join(out, filepath.Base(f)))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s/%s differs: %v", filepath.Base(dir), filepath.Base(f), err)
			}
		}
	}
}

func TestRecordDumpISO(t *testing.T) {
	dir := t.TempDir()
	face := &iso19794.FaceRecord{Faces: []iso19794.Face{{Gender: 2, Width: 480, Height: 640, Data: []byte{0xFF, 0xD8, 0xFF, 0xD9}}}}
	b, err := face.Encode()
	if err != nil {
		t.Fatal(err)
	}
	b[11] += 3 // the record length is 3 bytes too long, as in some passports
	mustWrite(t, filepath.Join(dir, "dg2.fac"), b)
	out, err := runRec(t, "dump", filepath.Join(dir, "dg2.fac"))
	if err != nil || !strings.Contains(out, "face.1 gender=2") || !strings.Contains(out, "off by 3 bytes") {
		t.Fatalf("%v\n%s", err, out)
	}
	fr := &iso19794.FingerRecord{ScaleUnits: iso19794.UnitsPPI, PixelDepth: 8, Compression: iso19794.CompressionWSQ,
		Views: []iso19794.FingerView{{Position: 2, ViewCount: 1, ViewNumber: 1, Width: 10, Height: 10, Data: []byte{1, 2}}}}
	b, _ = fr.Encode()
	mustWrite(t, filepath.Join(dir, "f.fir"), b)
	out, err = runRec(t, "dump", filepath.Join(dir, "f.fir"))
	if err != nil || !strings.Contains(out, "view.1 position=2") {
		t.Fatalf("%v\n%s", err, out)
	}
	mustWrite(t, filepath.Join(dir, "bad.fir"), b[:20])
	if _, err := runRec(t, "dump", filepath.Join(dir, "bad.fir")); !errors.Is(err, iso19794.ErrTruncated) {
		t.Fatalf("truncated ISO record: %v", err)
	}
}
