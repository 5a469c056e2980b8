package desk

import (
	"context"
	"encoding/json"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/capture/enroll"
	"github.com/enrolld/enrolld/capture/face"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
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

// AuditHeadType is the content type of the packet part that carries the desk audit log's
// head ({"seq":…,"hash":…}) to the centre with every enrollment.
const AuditHeadType = "application/vnd.enrolld.audit-head+json"

// StationOutbox adapts the store-and-forward station: the transaction becomes the packet's
// first part, committed with its queue and audit entries in one Badger transaction; when
// head is not nil, the audit log's head at the time of the commit travels as a second part.
func StationOutbox(st *sync.Station, head func() audit.Head) enroll.Outbox {
	return stationAdapter{st, head}
}

type stationAdapter struct {
	st   *sync.Station
	head func() audit.Head
}

func (a stationAdapter) Commit(ctx context.Context, p enroll.Packet) (string, error) {
	parts := []packet.Part{{ContentType: p.ContentType, Data: p.Transaction}}
	if a.head != nil {
		h, _ := json.Marshal(a.head())
		parts = append(parts, packet.Part{ContentType: AuditHeadType, Data: h})
	}
	return a.st.Enroll(ctx, sync.Enrollment{OperatorID: p.OperatorID, CaptureTimes: p.CaptureTimes, Parts: parts})
}

// GallerySearcher adapts the 1:N gallery: the candidates of a hit (those within the
// options' false-positive identification rate), none otherwise.
func GallerySearcher(g *gallery.Gallery, o gallery.SearchOptions) enroll.Searcher {
	if o.TargetFPIR == 0 {
		o.TargetFPIR = 0.01
	}
	return galleryAdapter{g, o}
}

type galleryAdapter struct {
	g *gallery.Gallery
	o gallery.SearchOptions
}

func (a galleryAdapter) Search(ctx context.Context, probes []*matcher.Template) ([]enroll.Candidate, error) {
	res, err := a.g.Search(ctx, probes, a.o)
	if err != nil || !res.Hit {
		return nil, err
	}
	var out []enroll.Candidate
	for _, c := range res.Candidates {
		if c.FPIR <= a.o.TargetFPIR {
			out = append(out, enroll.Candidate{SubjectID: c.SubjectID, Score: c.Score})
		}
	}
	return out, nil
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
