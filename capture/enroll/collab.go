package enroll

import (
	"context"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/matcher"
)

// Role is what a signed-in user may do.
type Role string

// Roles at the desk.
const (
	RoleOfficer    Role = "officer"    // runs enrollments
	RoleSupervisor Role = "supervisor" // runs enrollments and approves exceptions of others
)

// Actor is the person acting.
type Actor struct {
	ID   string `json:"id"`
	Role Role   `json:"role"`
}

// Event is one audit line: who did what on which case, when, and why. It never holds
// biometric data.
type Event struct {
	Time          time.Time `json:"time"`
	Actor         string    `json:"actor"`
	Role          Role      `json:"role"`
	Action        string    `json:"action"`
	Case          string    `json:"case"` // the receipt number
	Justification string    `json:"justification,omitempty"`
	Detail        string    `json:"detail,omitempty"` // non-biometric outcome (e.g. "quality 62", "packet ID")
}

// Auditor records events durably, each in its own transaction; an action whose event cannot be
// recorded does not happen. The commit's event is not recorded here but by the Outbox, in the
// transaction that stores the packet (Packet.Audit).
type Auditor interface {
	Record(ctx context.Context, e Event) error
}

// FaceResult is a checked photograph: the token-cropped JPEG and any problems.
type FaceResult struct {
	JPEG     []byte   // the ICAO token crop, when the checks ran far enough to crop
	Problems []string // actionable reasons; empty means accepted
}

// FaceChecker runs the ICAO-style checks on a camera still (capture/face satisfies it).
type FaceChecker interface {
	CheckFace(ctx context.Context, still *capture.Still) (*FaceResult, error)
}

// FingerAnalysis is what the session needs of a captured finger.
type FingerAnalysis struct {
	Quality  int // 0–100
	Template *matcher.Template
	Prepared *matcher.Prepared
}

// FingerAnalyzer extracts the template and rates the quality of a finger image.
type FingerAnalyzer interface {
	AnalyzeFinger(ctx context.Context, img *capture.FingerImage, position int) (*FingerAnalysis, error)
}

// Comparer compares two prepared templates (a *matcher.Comparator satisfies it), giving a
// raw similarity in [0, 1].
type Comparer interface {
	Compare(a, b *matcher.Prepared) float64
}

// Candidate is one hit of a 1:N search.
type Candidate struct {
	SubjectID string  `json:"subject_id"`
	Score     float64 `json:"score"`
}

// Searcher searches the station's slice of the register (the gallery satisfies it).
// It returns the candidates above its decision threshold, best first.
type Searcher interface {
	Search(ctx context.Context, probes []*matcher.Template) ([]Candidate, error)
}

// TransactionBuilder turns a finished enrollment into the bytes of an interchange
// transaction (NISTBuilder writes ANSI/NIST-ITL).
type TransactionBuilder interface {
	Build(r *Record) ([]byte, error)
	ContentType() string
}

// Packet is what the outbox receives.
type Packet struct {
	OperatorID   string
	CaptureTimes []time.Time
	ContentType  string
	Transaction  []byte
	Audit        []Event // the commit's audit events, stored with the packet (see Outbox)
}

// Outbox stores a finished enrollment atomically and queues it for the centre
// (sync.Station's Enroll does, through a small adapter). It returns the packet id. The packet's
// Audit events are written to the audit log in the same transaction as the packet, recording
// its id: after a crash either both exist or neither.
type Outbox interface {
	Commit(ctx context.Context, p Packet) (string, error)
}
