package desk

import (
	"context"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/enroll"
	"github.com/enrolld/enrolld/capture/face"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/packet"
)

// FaceChecker adapts a face.Checker to the workflow: each problem reads
// "check: what to do", the check's name first (it labels the metrics).
func FaceChecker(k *face.Checker) enroll.FaceChecker { return faceAdapter{k} }

type faceAdapter struct{ k *face.Checker }

func (a faceAdapter) CheckFace(ctx context.Context, st *capture.Still) (*enroll.FaceResult, error) {
	res, err := a.k.CheckJPEG(ctx, st.JPEG)
	if err != nil {
		return nil, err
	}
	out := &enroll.FaceResult{JPEG: res.Token}
	for _, f := range res.Failed {
		out.Problems = append(out.Problems, string(f.Check)+": "+f.Reason)
	}
	return out, nil
}

// StationOutbox adapts the store-and-forward station: the transaction becomes the packet's
// only part, committed with its queue and audit entries in one transaction.
func StationOutbox(st *sync.Station) enroll.Outbox { return stationAdapter{st} }

type stationAdapter struct{ st *sync.Station }

func (a stationAdapter) Commit(ctx context.Context, p enroll.Packet) (string, error) {
	return a.st.Enroll(ctx, sync.Enrollment{OperatorID: p.OperatorID, CaptureTimes: p.CaptureTimes,
		Parts: []packet.Part{{ContentType: p.ContentType, Data: p.Transaction}}})
}

// ManagerDevices gives the desk the first loaded device of each class of a device manager.
func ManagerDevices(m *drivers.Manager) Devices { return managerDevices{m} }

type managerDevices struct{ m *drivers.Manager }

func (d managerDevices) Camera() capture.Camera {
	for _, dev := range d.m.Loaded(capture.KindCamera) {
		if c, ok := dev.(capture.Camera); ok {
			return c
		}
	}
	return nil
}

func (d managerDevices) Scanner() capture.FingerScanner {
	for _, dev := range d.m.Loaded(capture.KindFinger) {
		if c, ok := dev.(capture.FingerScanner); ok {
			return c
		}
	}
	return nil
}

func (d managerDevices) Pad() capture.SignaturePad {
	for _, dev := range d.m.Loaded(capture.KindSignature) {
		if c, ok := dev.(capture.SignaturePad); ok {
			return c
		}
	}
	return nil
}

func (d managerDevices) Status() any { return d.m.Devices() }
