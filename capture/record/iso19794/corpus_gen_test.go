package iso19794

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFuzzCorpus regenerates the checked-in fuzz corpora from records built here.
// Run with ISO19794_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("ISO19794_WRITE_CORPUS") == "" {
		t.Skip("set ISO19794_WRITE_CORPUS=1 to regenerate the fuzz corpora")
	}
	finger, _ := sampleFinger().Encode()
	one := sampleFinger()
	one.Views = one.Views[:1]
	oneView, _ := one.Encode()
	face, _ := sampleFace().Encode()
	two := sampleFace()
	two.Faces = append(two.Faces, Face{DataType: FaceJPEG2000, Width: 10, Height: 10, Data: []byte{0, 0, 0, 0x0C}})
	twoFaces, _ := two.Encode()
	off := append([]byte(nil), face...)
	binary.BigEndian.PutUint32(off[8:], uint32(len(off)+5))
	write(t, "FuzzDecodeFinger", map[string][]byte{"two_views": finger, "one_view": oneView, "header_only": finger[:32]})
	write(t, "FuzzDecodeFace", map[string][]byte{"one_face": face, "two_faces": twoFaces, "length_off_by_5": off})
}

func write(t *testing.T, target string, seeds map[string][]byte) {
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
