package desk

import (
	"net/http"

	"github.com/enrolld/enrolld/capture/enroll"
)

// serveAudit exports the audit chain for a supervisor: the export format of capture/audit
// (JSON lines, the head first), which `enrollctl audit verify --daemon.url` checks. The export
// is itself audited first, so it includes its own entry.
func (s *Server) serveAudit(w http.ResponseWriter, r *http.Request, u *userSession) {
	if s.opt.AuditExport == nil {
		writeError(w, http.StatusNotFound, "this desk keeps no audit chain to export")
		return
	}
	ev := enroll.Event{Time: s.opt.Now().UTC(), Actor: u.actor.ID, Role: u.actor.Role, Action: "audit-exported"}
	if err := s.opt.Enroll.Auditor.Record(r.Context(), ev); err != nil {
		writeError(w, http.StatusServiceUnavailable, "audit log unavailable: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.opt.AuditExport(w); err != nil {
		// The status line is gone; a cut export fails verification (its chain ends before its head).
		s.log.Warn("desk: audit export failed", "err", err)
	}
}
