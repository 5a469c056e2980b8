package desk

import (
	"context"

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

// StationAuditor keeps the desk's audit log in the station's audit chain (sync/outbox): each
// event is sealed into the chain in its own Badger transaction, durable when Record returns.
func StationAuditor(st *sync.Station) enroll.Auditor { return stationAuditor{st} }

type stationAuditor struct{ st *sync.Station }

func (a stationAuditor) Record(ctx context.Context, ev enroll.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := a.st.Store().AppendAudit(auditEntry(ev))
	return err
}

// auditEntry is the chain entry of a workflow event.
func auditEntry(ev enroll.Event) audit.Entry {
	return audit.Entry{Time: ev.Time, Actor: ev.Actor, Role: string(ev.Role), Action: ev.Action, Case: ev.Case,
		Justification: ev.Justification, Detail: ev.Detail}
}

// StationOutbox adapts the store-and-forward station: the transaction becomes the packet's
// part, committed with its queue entry and the commit's audit events (sealed into the audit
// chain with the packet id) in one Badger transaction; the chain's head just before those
// events travels in the packet as a part of type sync.AuditHeadType.
func StationOutbox(st *sync.Station) enroll.Outbox { return stationAdapter{st} }

type stationAdapter struct{ st *sync.Station }

func (a stationAdapter) Commit(ctx context.Context, p enroll.Packet) (string, error) {
	e := sync.Enrollment{OperatorID: p.OperatorID, CaptureTimes: p.CaptureTimes,
		Parts: []packet.Part{{ContentType: p.ContentType, Data: p.Transaction}}}
	for _, ev := range p.Audit {
		e.Audit = append(e.Audit, auditEntry(ev))
	}
	return a.st.Enroll(ctx, e)
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
