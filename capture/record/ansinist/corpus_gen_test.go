package ansinist

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzRead from transactions built here
// (never from ../shared). Run with ANSINIST_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("ANSINIST_WRITE_CORPUS") == "" {
		t.Skip("set ANSINIST_WRITE_CORPUS=1 to regenerate the fuzz corpus")
	}
	seeds := map[string]string{
		"type1":      type1("1\x1f0"),
		"twodigit":   "1.01:27\x1d1.02:0200\x1d1.03:1\x1f0\x1c",
		"type2":      type1("1\x1f1\x1e2\x1f00") + tagged(2, "002:00", "018:DOE,JOHN", "047:a\x1fb\x1ec"),
		"type14":     type1("1\x1f1\x1e14\x1f01") + tagged(14, "002:01", "011:WSQ20", "022:1\x1f3", "999:\x1c\x1d\xff\xa0"),
		"type4":      type1("1\x1f1\x1e4\x1f01") + binRec(4, 1, legacyHdr, []byte{1, 2, 3, 4}),
		"type8":      type1("1\x1f1\x1e8\x1f02") + binRec(8, 2, []byte{0, 2, 0, 0, 0, 0, 0}, []byte{0, 1, 0, 1, 9, 0, 2, 0, 2, 255}),
		"type7short": type1("1\x1f1\x1e7\x1f03") + binRec(7, 3, nil, []byte{9, 9}),
		"type10":     type1("1\x1f1\x1e10\x1f01") + tagged(10, "002:01", "003:FACE", "011:JPEGB", "999:\xff\xd8\xff\xd9"),
		"truncated":  type1("1\x1f1\x1e2\x1f00")[:20],
	}
	all, _ := buildAll(t) // every typed record kind: 2, 4, 8 (vectors), 9 (INCITS 378), 10, 14
	raw, err := all.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	seeds["typed_all"] = string(raw)
	dir := filepath.Join("testdata", "fuzz", "FuzzRead")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
