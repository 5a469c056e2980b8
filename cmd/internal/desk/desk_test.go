package desk

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture/enroll"
)

func TestAccountsChecked(t *testing.T) {
	good := hash(t, "pw")
	for _, tc := range []struct {
		name  string
		accts []Account
	}{
		{"no hash", []Account{{ID: "a", Role: enroll.RoleOfficer, PasswordHash: "secret"}}},
		{"bad role", []Account{{ID: "a", Role: "admin", PasswordHash: good}}},
		{"duplicate", []Account{{ID: "a", Role: enroll.RoleOfficer, PasswordHash: good}, {ID: "a", Role: enroll.RoleSupervisor, PasswordHash: good}}},
	} {
		if err := CheckAccounts(tc.accts, 4); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if err := CheckAccounts([]Account{{ID: "a", Role: enroll.RoleOfficer, PasswordHash: good}}, 0); err == nil {
		t.Error("a cost-4 hash passed the default minimum of 10")
	}
	if _, err := New(Options{Devices: fakeDevices{}, Profiles: enroll.DefaultProfiles()}); err == nil {
		t.Error("a desk without accounts started")
	}
}

func TestSignInLockOutAndIdle(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	if code := c.login("olga", "Tr0ub4dor"); code != 401 {
		t.Fatalf("wrong password: %d", code)
	}
	if code := c.login("nobody", "x"); code != 401 {
		t.Fatalf("unknown user: %d", code)
	}
	for i := 0; i < 4; i++ {
		c.login("olga", "Tr0ub4dor")
	}
	if code := c.login("olga", "olga-pw"); code != 429 {
		t.Fatalf("right password during the lock-out: %d, want 429", code)
	}
	r.clock.Advance(16 * time.Minute)
	if code := c.login("olga", "olga-pw"); code != 200 {
		t.Fatalf("after the lock-out: %d", code)
	}
	if code, _ := c.do("GET", "/api/v1/desk/me", ""); code != 200 {
		t.Fatalf("me: %d", code)
	}
	r.clock.Advance(14 * time.Minute)
	if code, _ := c.do("GET", "/api/v1/desk/me", ""); code != 200 {
		t.Fatalf("me within the idle timeout: %d", code)
	}
	r.clock.Advance(16 * time.Minute)
	if code, _ := c.do("GET", "/api/v1/desk/me", ""); code != 401 {
		t.Fatalf("me after the idle timeout: %d, want 401", code)
	}
	var sawFail, sawOK bool
	for _, e := range r.audit.events {
		sawFail = sawFail || e.Action == "sign-in-failed"
		sawOK = sawOK || (e.Action == "sign-in" && e.Actor == "olga")
		if strings.Contains(e.Detail, "olga-pw") || strings.Contains(e.Detail, "Tr0ub4dor") {
			t.Errorf("password in the audit log: %+v", e)
		}
	}
	if !sawFail || !sawOK {
		t.Error("sign-ins not audited")
	}
}

// TestEveryRouteGuarded checks every authenticated route: no session → 401; a POST without
// the CSRF token → 403; a supervisor route used by an officer → 403.
func TestEveryRouteGuarded(t *testing.T) {
	r := newRig(t)
	anon := r.client(t)
	off := r.client(t)
	if off.login("olga", "olga-pw") != 200 {
		t.Fatal("login")
	}
	noCSRF := r.client(t)
	noCSRF.hc.Jar = off.hc.Jar
	for _, rt := range r.srv.apiRoutes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.NewReplacer("{id}", "x", "{n}", "1", "{pos}", "2").Replace(path)
		if code, _ := anon.do(method, path, "{}"); code != 401 {
			t.Errorf("%s without a session: %d, want 401", rt.pattern, code)
		}
		if method == "POST" {
			if code, _ := noCSRF.do(method, path, "{}"); code != 403 {
				t.Errorf("%s without the CSRF token: %d, want 403", rt.pattern, code)
			}
		}
		if rt.supervisor {
			if code, _ := off.do(method, path, "{}"); code != 403 {
				t.Errorf("%s by an officer: %d, want 403", rt.pattern, code)
			}
		}
	}
	// A forged cross-site POST carrying the right token but a foreign Origin is refused.
	req, _ := http.NewRequest("POST", r.ts.URL+"/api/v1/desk/enrollments", strings.NewReader(`{}`))
	req.Header.Set("X-CSRF-Token", off.csrf)
	req.Header.Set("Origin", "http://evil.example")
	resp, err := off.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("cross-origin POST: %d, want 403", resp.StatusCode)
	}
}

type answerJSON struct {
	Summary enroll.Summary  `json:"summary"`
	Outcome json.RawMessage `json:"outcome"`
	Error   string          `json:"error"`
}

func parse(t *testing.T, body string) answerJSON {
	t.Helper()
	var a answerJSON
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return a
}

// TestEnrollmentOverAPI runs an enrollment through the API with a missing finger, checks
// ownership and the four-eyes rule on the way, and commits.
func TestEnrollmentOverAPI(t *testing.T) {
	r := newRig(t)
	olga, otto, sam, sue := r.client(t), r.client(t), r.client(t), r.client(t)
	for c, u := range map[*client]string{olga: "olga", otto: "otto", sam: "sam", sue: "sue"} {
		if c.login(u, u+"-pw") != 200 {
			t.Fatalf("login %s", u)
		}
	}
	code, body := olga.do("POST", "/api/v1/desk/enrollments", `{"receipt":"202613400001","application_type":"visa","name":"A","date_of_birth":"1990-01-01"}`)
	if code != 422 {
		t.Fatalf("invalid receipt date: %d %s", code, body)
	}
	code, body = olga.do("POST", "/api/v1/desk/enrollments", `{"receipt":"202611200001","application_type":"visa","name":"Ana Example","date_of_birth":"1990-01-01"}`)
	if code != 201 {
		t.Fatalf("start: %d %s", code, body)
	}
	id := parse(t, body).Summary.ID
	e := "/api/v1/desk/enrollments/" + id + "/"
	if code, _ := otto.do("GET", "/api/v1/desk/enrollments/"+id, ""); code != 403 {
		t.Errorf("another officer viewing: %d", code)
	}
	if code, _ := otto.do("POST", e+"face", ""); code != 403 {
		t.Errorf("another officer capturing: %d", code)
	}
	if code, _ := sam.do("POST", e+"face", ""); code != 403 {
		t.Errorf("a supervisor capturing in someone else's enrollment: %d", code)
	}
	if code, body := olga.do("POST", e+"face", ""); code != 200 || parse(t, body).Summary.Step != enroll.StepFingers {
		t.Fatalf("face: %d %s", code, body)
	}
	r.sc.next = [][2]byte{{90, 1}, {90, 1}}
	if code, body := olga.do("POST", e+"finger", ""); code != 200 {
		t.Fatalf("finger 1: %d %s", code, body)
	}
	if code, body := olga.do("POST", e+"finger", ""); code != 422 || !strings.Contains(body, "duplicate_finger") {
		t.Fatalf("same finger twice: %d %s", code, body)
	}
	if code, body := olga.do("POST", e+"finger/missing", `{"code":"XX","note":"amputated at the first joint"}`); code != 200 {
		t.Fatalf("missing: %d %s", code, body)
	}
	code, body = olga.do("POST", e+"signature", "")
	if code != 200 || parse(t, body).Summary.Step != enroll.StepSearch {
		t.Fatalf("signature: %d %s", code, body)
	}
	if code, body := olga.do("POST", e+"search", ""); code != 200 || parse(t, body).Summary.Step != enroll.StepReview {
		t.Fatalf("search: %d %s", code, body)
	}
	if code, body := olga.do("POST", e+"commit", ""); code != 409 || !strings.Contains(body, "awaits a supervisor") {
		t.Fatalf("commit before approval: %d %s", code, body)
	}
	if code, _ := otto.do("POST", e+"exceptions/1/approve", `{"justification":"ok"}`); code != 403 {
		t.Errorf("officer approving: %d", code)
	}
	// Sam starts his own enrollment with an exception and may not approve it himself.
	code, body = sam.do("POST", "/api/v1/desk/enrollments", `{"receipt":"202611200002","application_type":"visa","name":"B","date_of_birth":"1980-02-02"}`)
	if code != 201 {
		t.Fatalf("sam start: %d", code)
	}
	sid := parse(t, body).Summary.ID
	sam.do("POST", "/api/v1/desk/enrollments/"+sid+"/redo", `{"step":"signature"}`)
	sam.do("POST", "/api/v1/desk/enrollments/"+sid+"/face", "")
	r.sc.next = [][2]byte{{90, 3}, {90, 4}}
	sam.do("POST", "/api/v1/desk/enrollments/"+sid+"/finger", "")
	sam.do("POST", "/api/v1/desk/enrollments/"+sid+"/finger", "")
	if code, body := sam.do("POST", "/api/v1/desk/enrollments/"+sid+"/signature/unable", `{"note":"arm in plaster"}`); code != 200 {
		t.Fatalf("unable: %d %s", code, body)
	}
	if code, body := sam.do("POST", "/api/v1/desk/enrollments/"+sid+"/exceptions/1/approve", `{"justification":"mine"}`); code != 403 || !strings.Contains(body, "own enrollment") {
		t.Fatalf("self-approval: %d %s", code, body)
	}
	if code, body := sue.do("POST", "/api/v1/desk/enrollments/"+sid+"/exceptions/1/approve", `{"justification":"seen the cast"}`); code != 200 {
		t.Fatalf("sue approves sam's: %d %s", code, body)
	}
	// Back to Olga's: Sam approves, Olga commits.
	if code, body := sam.do("POST", e+"exceptions/1/approve", `{"justification":"seen"}`); code != 200 {
		t.Fatalf("approve: %d %s", code, body)
	}
	code, body = olga.do("POST", e+"commit", "")
	if a := parse(t, body); code != 200 || a.Summary.Step != enroll.StepCommitted || a.Summary.PacketID != "pkt-1" {
		t.Fatalf("commit: %d %s", code, body)
	}
	if code, _ := olga.do("GET", "/api/v1/desk/enrollments/"+id, ""); code != 404 {
		t.Errorf("a committed enrollment is still held: %d", code)
	}
	for _, ev := range r.audit.events {
		if ev.Actor == "" || (ev.Case == "" && !strings.HasPrefix(ev.Action, "sign-")) {
			t.Errorf("audit event without actor or case: %+v", ev)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	c := Config{ORI: "ST01", Accounts: []Account{{ID: "a", Role: enroll.RoleOfficer, PasswordHash: "plain"}}, MinFingerQuality: 101,
		Profiles: []enroll.Profile{{Name: "x", Fingers: []int{12}}}}
	err := c.Validate()
	for _, want := range []string{"desk.accounts", "desk.profiles[0]", "min_finger_quality"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want a problem with %s", err, want)
		}
	}
	if err := (&Config{ORI: "ST01", DemoAccounts: true}).Validate(); err != nil {
		t.Errorf("demo config: %v", err)
	}
	accts, pws, err := DemoAccounts()
	if err != nil || len(accts) != 2 || pws["demo-officer"] == "" || pws["demo-officer"] == pws["demo-supervisor"] {
		t.Fatalf("DemoAccounts: %v %v", accts, err)
	}
	if err := CheckAccounts(accts, 0); err != nil {
		t.Fatal(err)
	}
	var o Options
	(&Config{ORI: "ST01"}).Apply(&o)
	if len(o.Profiles) != 2 || o.Enroll.Builder == nil {
		t.Errorf("Apply: %+v", o)
	}
}

func TestAbandonedEnrollmentExpires(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	c.login("olga", "olga-pw")
	_, body := c.do("POST", "/api/v1/desk/enrollments", `{"receipt":"202611200005","application_type":"visa","name":"A","date_of_birth":"1990-01-01"}`)
	id := parse(t, body).Summary.ID
	c.do("POST", "/api/v1/desk/enrollments/"+id+"/face", "")
	r.clock.Advance(3 * time.Hour)
	c.login("olga", "olga-pw") // the earlier session went idle
	if code, body := c.do("GET", "/api/v1/desk/enrollments", ""); code != 200 || strings.Contains(body, id) {
		t.Fatalf("list after the TTL: %d %s", code, body)
	}
	if code, _ := c.do("GET", "/api/v1/desk/enrollments/"+id, ""); code != 404 {
		t.Fatalf("expired enrollment still held: %d", code)
	}
	last := r.audit.events[len(r.audit.events)-1]
	if last.Action != "cancel" || !strings.HasPrefix(last.Justification, "expired") {
		t.Fatalf("expiry not audited: %+v", last)
	}
}

func TestRefusedStationStartsNothing(t *testing.T) {
	r := newRig(t)
	why := "unsent_count: 501 unsent packets, limit 500"
	r.srv.opt.Refused = func() string { return why }
	c := r.client(t)
	c.login("olga", "olga-pw")
	code, body := c.do("POST", "/api/v1/desk/enrollments", `{"receipt":"202611200009","application_type":"visa","name":"A","date_of_birth":"1990-01-01"}`)
	if code != 503 || !strings.Contains(body, why) {
		t.Fatalf("start on a refusing station: %d %s", code, body)
	}
	why = ""
	if code, _ := c.do("POST", "/api/v1/desk/enrollments", `{"receipt":"202611200009","application_type":"visa","name":"A","date_of_birth":"1990-01-01"}`); code != 201 {
		t.Fatalf("start once accepting again: %d", code)
	}
}
