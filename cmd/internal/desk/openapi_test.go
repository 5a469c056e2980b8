package desk

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestOpenAPICoversRoutes keeps openapi.yaml true: every route the desk serves under
// /api/v1/desk/ is documented with its method, and nothing else is.
func TestOpenAPICoversRoutes(t *testing.T) {
	b, err := assets.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented[strings.ToUpper(m)+" /api/v1/desk"+path] = true
			}
		}
	}
	served := map[string]bool{"POST /api/v1/desk/login": true, "GET /api/v1/desk/openapi.yaml": true}
	for _, rt := range (&Server{}).apiRoutes() {
		served[rt.pattern] = true
	}
	for r := range served {
		if !documented[r] {
			t.Errorf("%s is served but not in openapi.yaml", r)
		}
	}
	for r := range documented {
		if !served[r] {
			t.Errorf("%s is in openapi.yaml but not served", r)
		}
	}
}
