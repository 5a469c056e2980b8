package wsq

import (
	"bytes"
	"encoding/binary"
	"testing"
)

type testSegment struct {
	marker int
	raw    []byte // marker, length, body and, for SOB, the coded data
}

// splitFile cuts a file into its segments.
func splitFile(t *testing.T, data []byte) []testSegment {
	t.Helper()
	var segs []testSegment
	pos := 0
	for pos < len(data) {
		m := int(binary.BigEndian.Uint16(data[pos:]))
		end := pos + 2
		if m != markerSOI && m != markerEOI {
			end += int(binary.BigEndian.Uint16(data[pos+2:]))
		}
		if m == markerSOB {
			p := &parser{data: data, pos: end}
			e, err := p.entropyEnd()
			if err != nil {
				t.Fatal(err)
			}
			end = e
		}
		segs = append(segs, testSegment{m, data[pos:end]})
		pos = end
	}
	return segs
}

// TestSegmentOrder rebuilds a file with both Huffman tables in one DHT
// segment placed after the frame header and an extra comment between
// blocks: the decoder must give the same pixels.
func TestSegmentOrder(t *testing.T) {
	var e Encoder
	orig, err := e.Encode(ridges(96, 80, 4), &Options{BitRate: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	orig = append([]byte(nil), orig...)
	want, _, err := NewDecoder(nil).Decode(orig)
	if err != nil {
		t.Fatal(err)
	}
	var head, dhtBodies, blocks []byte
	for _, s := range splitFile(t, orig) {
		switch s.marker {
		case markerDHT:
			dhtBodies = append(dhtBodies, s.raw[4:]...)
		case markerSOB:
			blocks = append(blocks, s.raw...)
			blocks = appendComment(blocks, "between blocks")
		case markerEOI:
		default:
			head = append(head, s.raw...)
		}
	}
	var b []byte
	b = append(b, head...)
	b = be16(b, markerDHT)
	b = be16(b, uint16(2+len(dhtBodies)))
	b = append(b, dhtBodies...)
	b = append(b, blocks...)
	b = be16(b, markerEOI)
	got, info, err := NewDecoder(nil).Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Error("reordered file decodes differently")
	}
	if n := len(info.Comments); n != 4 || info.Comments[3] != "between blocks" {
		t.Errorf("comments %q", info.Comments)
	}
}

// TestRestartMarkers decodes a file whose blocks are cut into restart
// intervals: each interval is padded to a byte and followed by RSTm.
func TestRestartMarkers(t *testing.T) {
	img := ridges(120, 100, 8)
	var plain, cut Encoder
	want, _, err := NewDecoder(nil).Decode(append([]byte(nil), plain.encode(img, Options{BitRate: 1, PPI: 500})...))
	if err != nil {
		t.Fatal(err)
	}
	cut.restartEvery = 37
	data := cut.encode(img, Options{BitRate: 1, PPI: 500})
	if !bytes.Contains(data, []byte{0xFF, 0xB3}) {
		t.Fatal("no restart markers written")
	}
	got, _, err := NewDecoder(nil).Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Error("file with restart markers decodes differently")
	}
}
