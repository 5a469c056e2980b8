package desk

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// TestMetricsLint runs an enrollment's worth of requests and checks the desk's metrics with
// promtool and for the absence of case, person and operator ids.
func TestMetricsLint(t *testing.T) {
	r := newRig(t)
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(r.srv.metrics); err != nil {
		t.Fatal(err)
	}
	c := r.client(t)
	c.login("olga", "nope")
	c.login("olga", "olga-pw")
	_, body := c.do("POST", "/api/v1/desk/enrollments", `{"receipt":"202611200077","application_type":"visa","name":"Ana","date_of_birth":"1990-01-01"}`)
	id := parse(t, body).Summary.ID
	e := "/api/v1/desk/enrollments/" + id + "/"
	c.do("POST", e+"face", "")
	r.sc.next = [][2]byte{{10, 1}, {90, 1}, {90, 2}}
	c.do("POST", e+"finger", "")
	c.do("POST", e+"finger", "")
	c.do("POST", e+"finger", "")
	c.do("POST", e+"signature/unable", `{"note":"cast"}`)
	c.do("POST", e+"cancel", `{"reason":"left"}`)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	text := b.String()
	for _, want := range []string{`enrolld_desk_enrollments_total{outcome="cancelled"} 1`, `enrolld_desk_quality_rejections_total{modality="finger",reason="low_quality"} 1`,
		`enrolld_desk_exceptions_total{type="unable_to_sign"} 1`, `enrolld_desk_sign_ins_total{result="bad_credentials"} 1`, `enrolld_desk_step_duration_seconds_count{step="face"} 1`} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %s", want)
		}
	}
	for _, id := range []string{"olga", "202611200077", "Ana"} {
		if strings.Contains(text, id) {
			t.Errorf("metrics contain %q", id)
		}
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed")
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}
