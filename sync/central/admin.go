package central

import (
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
)

var adminPage = template.Must(template.New("admin").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>enroll-central</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}</style>
</head><body><h1>enroll-central</h1>
<p>{{.Packets}} packets from {{len .Stations}} stations; {{.Conflicts}} conflicts (409).
Register slice: {{.Persons}} persons, {{.Changes}} changes.</p>
<h2>Uploads by result</h2><table>{{range $k, $v := .Uploads}}<tr><td>{{$k}}</td><td>{{$v}}</td></tr>{{end}}</table>
<h2>Stations</h2><table><tr><th>station</th><th>packets</th><th>highest counter</th></tr>
{{range .Stations}}<tr><td>{{.ID}}</td><td>{{.Packets}}</td><td>{{.MaxCounter}}</td></tr>{{end}}</table>
<h2>Latest packets</h2><table><tr><th>received</th><th>station</th><th>counter</th><th>id</th><th>bytes</th></tr>
{{range .Latest}}<tr><td>{{.Received.Format "2006-01-02 15:04:05"}}</td><td>{{.StationID}}</td><td>{{.Counter}}</td><td><code>{{.ID}}</code></td><td>{{.Size}}</td></tr>{{end}}</table>
</body></html>`))

type stationRow struct {
	ID         string
	Packets    int
	MaxCounter uint64
}

func (s *Server) adminHTML(w http.ResponseWriter, r *http.Request) {
	recs := s.Records()
	byStation := map[string]*stationRow{}
	for _, rec := range recs {
		row := byStation[rec.StationID]
		if row == nil {
			row = &stationRow{ID: rec.StationID}
			byStation[rec.StationID] = row
		}
		row.Packets++
		row.MaxCounter = max(row.MaxCounter, rec.Counter)
	}
	var rows []stationRow
	for _, r := range byStation {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	latest := recs[max(0, len(recs)-50):]
	persons, changes := s.opt.Slice.Len()
	s.mu.Lock()
	uploads := map[string]int{}
	for k, v := range s.uploads {
		uploads[k] = v
	}
	conflicts := s.conflicts
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	adminPage.Execute(w, map[string]any{"Packets": len(recs), "Stations": rows, "Conflicts": conflicts,
		"Persons": persons, "Changes": changes, "Uploads": uploads, "Latest": latest})
}

func (s *Server) adminJSON(w http.ResponseWriter, r *http.Request) {
	type row struct {
		ID, StationID, ContentHash string
		Counter                    uint64
	}
	var out []row
	for _, rec := range s.Records() {
		out = append(out, row{rec.ID, rec.StationID, hex.EncodeToString(rec.ContentHash[:]), rec.Counter})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}
