package dfu

import (
	"errors"
	"testing"
	"time"
)

func TestStatusRoundTrip(t *testing.T) {
	s := Status{Code: ErrWrite, PollTimeout: 70000 * time.Millisecond, State: Error, IString: 2}
	got, err := ParseStatus(s.Encode())
	if err != nil || got != s {
		t.Fatalf("got %+v %v", got, err)
	}
	if _, err := ParseStatus([]byte{0, 0}); !errors.Is(err, ErrProtocol) {
		t.Fatal("short status accepted")
	}
	if ErrVerify.String() != "errVERIFY" || ManifestWaitReset.String() != "dfuMANIFEST-WAIT-RESET" || State(42).String() != "state(42)" {
		t.Fatal("names")
	}
}

func TestFunctional(t *testing.T) {
	f := Functional{Attributes: AttrCanDownload | AttrWillDetach, DetachTimeout: 255, TransferSize: 1024, BcdDFU: 0x0110}
	got, err := ParseFunctional(f.Encode())
	if err != nil || got != f || !got.Has(AttrWillDetach) || got.Has(AttrCanUpload) {
		t.Fatalf("got %+v %v", got, err)
	}
	old := f.Encode()[:7]
	old[0] = 7
	if got, err := ParseFunctional(old); err != nil || got.BcdDFU != 0x0100 {
		t.Fatalf("DFU 1.0 descriptor: %+v %v", got, err)
	}
	for _, bad := range [][]byte{nil, {9, 0x22, 0, 0, 0, 0, 4, 0, 1}, {9, 0x21, 0, 0, 0, 0, 0, 0x10, 1}} {
		if _, err := ParseFunctional(bad); err == nil {
			t.Errorf("accepted % x", bad)
		}
	}
}

func TestWalkConfig(t *testing.T) {
	fn := Functional{Attributes: 1, TransferSize: 64, BcdDFU: 0x110}.Encode()
	cfg := append([]byte{9, 2, 0, 0, 2, 1, 0, 0x80, 50,
		9, 4, 0, 0, 1, 0xff, 0, 0, 0, 7, 5, 0x81, 3, 64, 0, 10,
		9, 4, 1, 0, 0, Class, SubClass, ProtocolRuntime, 0}, fn...)
	iface, proto, got, err := walkConfig(cfg)
	if err != nil || iface != 1 || proto != ProtocolRuntime || got.TransferSize != 64 {
		t.Fatalf("iface %d proto %d %+v %v", iface, proto, got, err)
	}
	if _, _, _, err := walkConfig(cfg[:18]); !errors.Is(err, ErrNoInterface) {
		t.Fatalf("err %v", err)
	}
	if _, _, _, err := walkConfig([]byte{9, 2, 0, 0, 0, 0, 0, 0, 0, 1, 4}); !errors.Is(err, ErrProtocol) {
		t.Fatalf("bad length: err %v", err)
	}
}

func FuzzDescriptors(f *testing.F) {
	f.Add(Functional{Attributes: 1, TransferSize: 64, BcdDFU: 0x110}.Encode())
	f.Add([]byte{9, 4, 0, 0, 0, Class, SubClass, 2, 0, 9, 0x21, 1, 0, 0, 64, 0, 0x10, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseFunctional(b)
		_, _ = ParseStatus(b)
		_, _, _, _ = walkConfig(b)
		_, _ = findFunctional(b)
	})
}
