package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHandlers measures the daemon's own endpoints, served through the mux and
// the metrics middleware (no network).
func BenchmarkHandlers(b *testing.B) {
	cfg, err := parseConfig([]byte(testConfig), nil)
	if err != nil {
		b.Fatal(err)
	}
	f, _ := parseFlags(nil, io.Discard)
	level := &slog.LevelVar{}
	d, err := newDaemon(daemonOptions{config: cfg, flags: f, level: level,
		logger: slog.New(slog.DiscardHandler), registry: newTestRegistry(nil)})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/-/ready", "/api/v1/status", "/api/v1/devices", "/metrics"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				d.mux.ServeHTTP(w, req)
			}
		})
	}
}

// BenchmarkParseConfig measures loading the documented example configuration.
func BenchmarkParseConfig(b *testing.B) {
	for b.Loop() {
		if _, err := parseConfig([]byte(goodConfig), nil); err != nil {
			b.Fatal(err)
		}
	}
}
