package wsq

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must return an image
// matching its header or a *FormatError, never panic. The seed corpus in
// testdata/fuzz/FuzzDecode holds files made by this package's encoder
// (regenerate both corpora with WSQ_WRITE_SEEDS=1 go test -run TestWriteFuzzSeeds).
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	d := NewDecoder(&DecodeOptions{MaxPixels: 1 << 18})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, info, err := d.Decode(data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			if fe.Offset < 0 || fe.Offset > len(data) {
				t.Fatalf("offset %d outside %d bytes: %v", fe.Offset, len(data), err)
			}
			return
		}
		if img.Rect != image.Rect(0, 0, info.Width, info.Height) {
			t.Fatalf("image %v, header %d×%d", img.Rect, info.Width, info.Height)
		}
	})
}

// fuzzSeeds encodes a few small images at both standard rates.
func fuzzSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for i, sz := range [][2]int{{32, 32}, {41, 33}, {64, 48}} {
		for _, rate := range []float64{0.75, 2.25} {
			var e Encoder
			b, err := e.Encode(ridges(sz[0], sz[1], uint64(i)), &Options{BitRate: rate})
			if err != nil {
				tb.Fatal(err)
			}
			seeds = append(seeds, append([]byte(nil), b...))
		}
	}
	return seeds
}

// FuzzDecodeEntropy keeps valid tables and frame header and fuzzes what
// follows them (block headers and entropy-coded data), which random
// mutations of whole files rarely reach.
func FuzzDecodeEntropy(f *testing.F) {
	head, tails := entropySeeds()
	for _, tail := range tails {
		f.Add(tail)
	}
	d := NewDecoder(&DecodeOptions{MaxPixels: 1 << 16})
	f.Fuzz(func(t *testing.T, tail []byte) {
		data := append(append([]byte(nil), head...), tail...)
		img, info, err := d.Decode(data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Offset < 0 || fe.Offset > len(data) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		if img.Rect.Dx() != info.Width || img.Rect.Dy() != info.Height {
			t.Fatalf("image %v, header %d×%d", img.Rect, info.Width, info.Height)
		}
	})
}

// entropySeeds returns the fixed head of FuzzDecodeEntropy's files and
// seed tails: plain blocks, blocks with restart markers and a truncation.
func entropySeeds() (head []byte, tails [][]byte) {
	img := ridges(48, 40, 3)
	for _, every := range []int{0, 17} {
		e := Encoder{restartEvery: every}
		file := e.encode(img, Options{BitRate: 1, PPI: 500})
		cut := bytes.Index(file, []byte{0xFF, 0xA6}) // first DHT
		head = append([]byte(nil), file[:cut]...)
		tails = append(tails, append([]byte(nil), file[cut:]...))
	}
	tails = append(tails, tails[0][:len(tails[0])/2])
	return head, tails
}

func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("WSQ_WRITE_SEEDS") == "" {
		t.Skip("set WSQ_WRITE_SEEDS=1 to rewrite testdata/fuzz/FuzzDecode")
	}
	_, tails := entropySeeds()
	for name, seeds := range map[string][][]byte{"FuzzDecode": fuzzSeeds(t), "FuzzDecodeEntropy": tails} {
		dir := filepath.Join("testdata", "fuzz", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
