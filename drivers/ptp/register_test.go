package ptp_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/devmetrics"
	"github.com/enrolld/enrolld/drivers/ptp"
)

// TestManagerOpensEmulatedCamera opens the camera the way the daemon does.
func TestManagerOpensEmulatedCamera(t *testing.T) {
	m, err := drivers.NewManager(drivers.ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ch := m.Apply(context.Background(), []drivers.Spec{{Name: "camera", Driver: "ptp", Emulate: true}})
	if len(ch) != 1 || ch[0].Status.State != drivers.StateLoaded {
		t.Fatalf("changes %+v", ch)
	}
	d, _ := m.Device("camera")
	cam, ok := d.(capture.Camera)
	if !ok {
		t.Fatalf("device %T is not a camera", d)
	}
	in, ok := d.(devmetrics.Instrumented)
	if !ok {
		t.Fatalf("%T does not take metrics", d)
	}
	dm := devmetrics.New(nil)
	in.SetMetrics(dm)
	if _, err := cam.CaptureStill(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(dm, "enrolld_captures_total"); n != 1 {
		t.Errorf("%d capture series after one capture", n)
	}
	if dr, ok := drivers.Default.MatchUSB(ptp.EmulatorID); !ok || dr.Name != "ptp" {
		t.Errorf("the emulator's id %v matches driver %q", ptp.EmulatorID, dr.Name)
	}
}
