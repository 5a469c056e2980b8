package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/enrolld/enrolld/cmd/internal/api"
)

// handle adds a route to the daemon's mux, instrumented with the HTTP metrics under
// the pattern's path as the handler label. pattern is an http.ServeMux pattern
// ("GET /api/v1/status"); later subsystems add their routes the same way.
func (d *daemon) handle(pattern string, h http.Handler) {
	name := pattern
	if _, path, ok := strings.Cut(pattern, " "); ok {
		name = path
	}
	name = strings.TrimSuffix(name, "{$}")
	if strings.HasPrefix(name, apiPrefix) {
		method, _, _ := strings.Cut(pattern, " ")
		d.apiMethods[name] = append(d.apiMethods[name], method)
	}
	labels := prometheus.Labels{"handler": name}
	h = promhttp.InstrumentHandlerInFlight(d.metrics.httpInFlight,
		promhttp.InstrumentHandlerDuration(d.metrics.httpDuration.MustCurryWith(labels),
			promhttp.InstrumentHandlerCounter(d.metrics.httpRequests.MustCurryWith(labels), h)))
	d.mux.Handle(pattern, h)
}

// routes adds the daemon's own endpoints.
func (d *daemon) routes() {
	d.handle("GET /metrics", promhttp.HandlerFor(d.metrics.registry, promhttp.HandlerOpts{
		Registry: d.metrics.registry,
	}))
	d.handle("GET /-/healthy", http.HandlerFunc(d.serveHealthy))
	d.handle("GET /-/ready", http.HandlerFunc(d.serveReady))
	d.handle("GET "+api.PathStatus, http.HandlerFunc(d.serveStatus))
	d.handle("GET "+api.PathDevices, http.HandlerFunc(d.serveDevices))
	d.handle("GET /{$}", http.HandlerFunc(d.serveIndex))
	d.handle(apiPrefix, http.HandlerFunc(d.serveAPINotFound))
}

// apiPrefix starts every path of the JSON API.
const apiPrefix = "/api/"

// serveAPINotFound answers API requests no route took, in JSON like every API
// error: 405 for a known path asked with another method, else 404.
func (d *daemon) serveAPINotFound(w http.ResponseWriter, r *http.Request) {
	if methods, ok := d.apiMethods[r.URL.Path]; ok {
		w.Header().Set("Allow", strings.Join(methods, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, api.Error{
			Error: fmt.Sprintf("%s does not take %s; use %s", r.URL.Path, r.Method, strings.Join(methods, " or "))})
		return
	}
	writeJSON(w, http.StatusNotFound, api.Error{Error: fmt.Sprintf("no API endpoint %s", r.URL.Path)})
}

// serveHealthy answers 200 while the process serves HTTP at all.
func (d *daemon) serveHealthy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("enrolld is healthy.\n"))
}

// serveReady answers 200 once storage is open and the devices have been
// initialised, and 503 with the reason before that and while stopping.
func (d *daemon) serveReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if reason := d.notReady(); reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("enrolld is not ready: " + reason + "\n"))
		return
	}
	w.Write([]byte("enrolld is ready.\n"))
}

// serveIndex lists the endpoints, for a technician with a browser.
func (d *daemon) serveIndex(w http.ResponseWriter, r *http.Request) {
	if d.desk != nil {
		http.Redirect(w, r, "/desk/", http.StatusFound) // the officers' UI is the station's front page
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(`<!doctype html><html><head><title>enrolld</title></head><body>
<h1>enrolld</h1><ul>
<li><a href="api/v1/status">api/v1/status</a></li>
<li><a href="api/v1/devices">api/v1/devices</a></li>
<li><a href="metrics">metrics</a></li>
<li><a href="-/healthy">-/healthy</a></li>
<li><a href="-/ready">-/ready</a></li>
</ul></body></html>
`))
}

// writeJSON writes v as the JSON answer with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
