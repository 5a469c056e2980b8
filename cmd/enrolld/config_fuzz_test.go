package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParseConfig feeds arbitrary bytes to the configuration parser: it must never
// panic, must answer every refusal with a *configError carrying at least one
// problem, and what it accepts must validate again cleanly.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte("station: {id: s1}\nweb:\n  lisen_address: :9464\n"))
	f.Add([]byte("station: {id: s1}\n---\nstation: {id: s2}\n"))
	f.Add([]byte("devices: [{driver: a}, {driver: a}]\n"))
	f.Add([]byte("station: &a {id: s1}\nweb: *a\n"))
	for _, name := range []string{"enrolld.yaml", "demo.yaml"} {
		if data, err := os.ReadFile(filepath.Join(configsDir, name)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			cfg *config
			err error
		}
		done := make(chan result, 1)
		go func() {
			cfg, err := parseConfig(data, nil)
			done <- result{cfg, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("parseConfig hangs on %q", data)
		}
		cfg, err := r.cfg, r.err
		if err != nil {
			var ce *configError
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("refusal %v is not a *configError with problems", err)
			}
			return
		}
		if probs := cfg.validate(nil, nil); len(probs) > 0 {
			t.Fatalf("accepted a configuration that does not validate: %v", probs)
		}
		if cfg.Station.ID == "" || cfg.Web.ListenAddress == "" || cfg.Storage.Path == "" {
			t.Fatalf("accepted a configuration without required settings: %+v", cfg)
		}
	})
}
