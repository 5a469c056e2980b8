package central

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/enrolld/enrolld/sync/packet"
)

func TestSyntheticFMRIsValidISO(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		pos := 1 + i%10
		r := SyntheticFMR(rng, pos)
		if string(r[:8]) != "FMR\x00 20\x00" {
			t.Fatalf("header %q", r[:8])
		}
		if n := binary.BigEndian.Uint32(r[8:]); int(n) != len(r) {
			t.Fatalf("record length field %d, record is %d bytes", n, len(r))
		}
		if r[22] != 1 || int(r[24]) != pos {
			t.Fatalf("views %d, position %d", r[22], r[24])
		}
		count := int(r[27])
		if count < 25 || count > 60 || len(r) != 28+6*count+2 {
			t.Fatalf("%d minutiae in %d bytes", count, len(r))
		}
		w, h := binary.BigEndian.Uint16(r[14:]), binary.BigEndian.Uint16(r[16:])
		for m := 0; m < count; m++ {
			b := r[28+6*m:]
			typ, x, y := b[0]>>6, binary.BigEndian.Uint16(b)&0x3fff, binary.BigEndian.Uint16(b[2:])&0x3fff
			if typ != 1 && typ != 2 || x >= w || y >= h || b[5] > 100 {
				t.Fatalf("minutia %d: type %d at (%d,%d) quality %d", m, typ, x, y, b[5])
			}
		}
	}
}

func TestSliceBatchesCompactAndResume(t *testing.T) {
	s := NewSlice()
	p := func(id string) packet.SlicePerson {
		return packet.SlicePerson{SubjectID: id, Templates: map[int][]byte{1: []byte("FMR\x00")}}
	}
	s.Upsert(p("a"))
	s.Upsert(p("b"))
	s.Delete("a")
	s.Upsert(p("c"))
	s.Delete("c")
	s.Upsert(p("c"))
	tests := []struct {
		since, cursor string
		max           int
		ups, dels     int
		more          bool
	}{
		{"", "3", 3, 1, 1, true}, // a upserted then deleted → delete; b
		{"3", "6", 10, 1, 0, false},
		{"6", "6", 10, 0, 0, false},
		{"", "6", 100, 2, 1, false},
	}
	for _, tc := range tests {
		b, err := s.Batch(tc.since, tc.max)
		if err != nil {
			t.Fatal(err)
		}
		if b.Cursor != tc.cursor || len(b.Upserts) != tc.ups || len(b.Deletes) != tc.dels || b.More != tc.more {
			t.Errorf("Batch(%q,%d) = cursor %q, %d upserts, %d deletes, more %v", tc.since, tc.max, b.Cursor, len(b.Upserts), len(b.Deletes), b.More)
		}
		b.Sign(make([]byte, 64))
		if _, err := packet.DecodeSliceBatch(b.Encode()); err != nil {
			t.Errorf("batch does not decode: %v", err)
		}
	}
	for _, bad := range []string{"x", "-1", "99"} {
		if _, err := s.Batch(bad, 10); !errors.Is(err, ErrCursor) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func TestLoadSliceFolder(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 3))
	os.MkdirAll(filepath.Join(dir, "P1"), 0o700)
	os.WriteFile(filepath.Join(dir, "P1", "2.fmr"), SyntheticFMR(rng, 2), 0o600)
	os.WriteFile(filepath.Join(dir, "P1", "7.fmr"), SyntheticFMR(rng, 7), 0o600)
	s, err := LoadSliceFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Len(); n != 1 {
		t.Fatalf("%d persons", n)
	}
	os.WriteFile(filepath.Join(dir, "P1", "11.fmr"), []byte("FMR\x00"), 0o600)
	if _, err := LoadSliceFolder(dir); err == nil {
		t.Fatal("finger position 11 accepted")
	}
}

// TestOpenAPIDocumentsRoutes keeps sync/api/openapi.yaml in step with the routes served.
func TestOpenAPIDocumentsRoutes(t *testing.T) {
	b, err := os.ReadFile("../api/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for path, method := range map[string]string{"/v1/packets/{id}": "put", "/v1/slice/changes": "get", "/admin": "get", "/admin/packets.json": "get"} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("openapi.yaml does not document %s %s", method, path)
		}
	}
}
