package usbtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/enrolld/enrolld/drivers/usb"
)

// bigTranscript is a scanner-like session: many register accesses and one
// 111 040-byte frame.
func bigTranscript() *Transcript {
	tr := &Transcript{Device: usb.DeviceDesc{Bus: 1, Address: 4, ID: usb.ID{Vendor: 0x05ba, Product: 0x000a}}}
	for i := 0; i < 1000; i++ {
		tr.Transfers = append(tr.Transfers,
			Transfer{Kind: Control, RequestType: 0x40, Request: 4, Value: 7, Out: []byte{byte(i)}, Length: 1},
			Transfer{Kind: Control, RequestType: 0xc0, Request: 4, Value: 7, In: []byte{byte(i)}, Length: 1})
	}
	frame := make([]byte, 111040)
	for i := range frame {
		frame[i] = byte(i)
	}
	tr.Transfers = append(tr.Transfers, Transfer{Kind: Read, Endpoint: 0x82, Length: 111424, In: frame})
	return tr
}

func BenchmarkPlayback(b *testing.B) {
	tr := bigTranscript()
	ctx := context.Background()
	buf := make([]byte, 111424)
	b.ReportAllocs()
	for b.Loop() {
		pb := NewPlayback(tr)
		for i := 0; i < 1000; i++ {
			pb.Control(ctx, 0x40, 4, 7, 0, []byte{byte(i)})
			pb.Control(ctx, 0xc0, 4, 7, 0, buf[:1])
		}
		pb.Read(ctx, 0x82, buf)
		if err := pb.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteText(b *testing.B) {
	tr := bigTranscript()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		tr.WriteTo(&buf)
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkReadTranscript(b *testing.B) {
	var text bytes.Buffer
	bigTranscript().WriteTo(&text)
	b.SetBytes(int64(text.Len()))
	for b.Loop() {
		if _, err := ReadTranscript(bytes.NewReader(text.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWritePcap(b *testing.B) {
	tr := bigTranscript()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := tr.WritePcap(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkReadPcap(b *testing.B) {
	var buf bytes.Buffer
	bigTranscript().WritePcap(&buf)
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ReadPcap(bytes.NewReader(buf.Bytes()), 1, 4); err != nil {
			b.Fatal(err)
		}
	}
}
