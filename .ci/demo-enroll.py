#!/usr/bin/env python3
# Runs one complete enrollment through the desk API of a running `make demo` (visa profile:
# face, two index fingers, signature, search, commit) and prints each step and the time it
# took, then waits until the local enroll-central holds the packet. Usage: make demo | tee /tmp/demo.log   (in another terminal:)
#        python3 .ci/demo-enroll.py /tmp/demo.log   (reads the one-time demo passwords)
import json, sys, time, urllib.request, re
BASE = "http://127.0.0.1:9464"
pws = dict(re.findall(r"^\s+(demo-\w+)\s+(\S+)$", open(sys.argv[1]).read(), re.M))
class Client:
    def __init__(self): self.cookie = None; self.csrf = ""
    def do(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(BASE + path, data=data, method=method)
        req.add_header("Content-Type", "application/json"); req.add_header("Origin", BASE)
        if self.cookie: req.add_header("Cookie", self.cookie)
        if self.csrf: req.add_header("X-CSRF-Token", self.csrf)
        try:
            r = urllib.request.urlopen(req, timeout=120); code = r.status; hdrs = r.headers; raw = r.read()
        except urllib.error.HTTPError as e:
            code, hdrs, raw = e.code, e.headers, e.read()
        sc = hdrs.get("Set-Cookie")
        if sc: self.cookie = sc.split(";")[0]
        try: return code, json.loads(raw)
        except Exception: return code, raw[:200]
    def login(self, user):
        code, me = self.do("POST", "/api/v1/desk/login", {"user": user, "password": pws[user]})
        self.csrf = me.get("csrf", "") if isinstance(me, dict) else ""
        return code
t0 = time.time()
o = Client(); print("login officer", o.login("demo-officer"))
receipt = time.strftime("%Y%m%d") + "000123"
code, a = o.do("POST", "/api/v1/desk/enrollments", {"receipt": receipt, "application_type": "visa", "name": "Test Applicant", "date_of_birth": "1990-01-01"})
print("start", code, a.get("error") if isinstance(a, dict) else a)
eid = a["summary"]["id"]
for i in range(8):
    code, a = o.do("POST", f"/api/v1/desk/enrollments/{eid}/face")
    print("face", code, a.get("error"), [f.get("problem") or f for f in (a.get("outcome") or {}).get("failed", [])][:3] if isinstance(a.get("outcome"), dict) else "")
    if code == 200 and a["summary"]["face"]: break
for i in range(6):
    if a["summary"]["step"] != "fingers": break
    code, a = o.do("POST", f"/api/v1/desk/enrollments/{eid}/finger")
    print("finger", code, a.get("error"), a["summary"].get("current_finger"))
code, a = o.do("POST", f"/api/v1/desk/enrollments/{eid}/signature")
print("signature", code, a.get("error"), a["summary"]["step"])
if a["summary"]["step"] == "search":
    code, a = o.do("POST", f"/api/v1/desk/enrollments/{eid}/search")
    print("search", code, a.get("error"), a["summary"]["step"], (a["summary"].get("search") or {}).get("candidates"))
if a["summary"]["step"] == "search":
    code, a = o.do("POST", f"/api/v1/desk/enrollments/{eid}/decision", {"decision": "continue", "justification": "demo: new registration"})
    print("decision", code, a.get("error"), a["summary"]["step"])
code, a = o.do("POST", f"/api/v1/desk/enrollments/{eid}/commit")
print("commit", code, a.get("error"), a["summary"].get("packet_id"), a["summary"].get("open"))
print("committed after %.1f s" % (time.time() - t0))
# wait until the local enroll-central lists the packet (its admin view shows packet ids)
pid = (a["summary"].get("packet_id") or "").split("-")[0]
if not pid:
    sys.exit("commit failed")
for _ in range(120):
    page = urllib.request.urlopen("http://127.0.0.1:9480/admin", timeout=10).read().decode()
    if pid in page:
        print("reached the centre after %.1f s" % (time.time() - t0))
        break
    time.sleep(0.5)
else:
    sys.exit("the packet did not reach the centre within 60 s")
