package isdv4_test

import (
	"context"
	"testing"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/devmetrics"
	_ "github.com/enrolld/enrolld/drivers/isdv4/emu"
)

// TestManagerOpensEmulatedPad opens the pad the way the daemon does: through the
// registry's emulator and driver, by name.
func TestManagerOpensEmulatedPad(t *testing.T) {
	m, err := drivers.NewManager(drivers.ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ch := m.Apply(context.Background(), []drivers.Spec{{Name: "pad", Driver: "isdv4", Emulate: true,
		Options: drivers.Options{"baud": "38400", "sign": "off"}}})
	if len(ch) != 1 || ch[0].Status.State != drivers.StateLoaded {
		t.Fatalf("changes %+v", ch)
	}
	d, ok := m.Device("pad")
	if _, isPad := d.(capture.SignaturePad); !ok || !isPad || d.Info().Kind != capture.KindSignature {
		t.Fatalf("device %v (%T)", d, d)
	}
	if _, ok := d.(devmetrics.Instrumented); !ok {
		t.Errorf("%T does not take metrics", d)
	}
	if d.Info().Model != "ISDV4 262x163 mm" {
		t.Errorf("model %q", d.Info().Model)
	}
}
