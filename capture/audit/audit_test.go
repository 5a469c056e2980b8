package audit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture/enroll"
)

func writeLog(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.log")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		ev := enroll.Event{Time: time.Date(2026, 11, 22, 9, 0, i, 0, time.UTC), Actor: "olga", Role: enroll.RoleOfficer,
			Action: "finger-accepted", Case: "202611200001", Detail: "right index attempt 1 quality 61"}
		if err := l.Record(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func lines(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestVerifyDetectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(ls []string) []string
		want   string
	}{
		{"untouched", func(ls []string) []string { return ls }, ""},
		{"changed", func(ls []string) []string {
			ls[2] = strings.Replace(ls[2], `"actor":"olga"`, `"actor":"otto"`, 1)
			return ls
		}, "changed"},
		{"changed and rehashed", func(ls []string) []string {
			ls[2] = strings.Replace(ls[2], "quality 61", "quality 99", 1)
			var e Entry
			_ = jsonUnmarshal(ls[2], &e)
			e.Hash = e.computeHash()
			ls[2] = jsonLine(e)
			return ls
		}, "does not link"},
		{"removed", func(ls []string) []string { return append(ls[:2:2], ls[3:]...) }, "removed"},
		{"reordered", func(ls []string) []string { ls[1], ls[2] = ls[2], ls[1]; return ls }, "removed or the order changed"},
		{"cut off the end", func(ls []string) []string { return ls[:3] }, "recorded head"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeLog(t, 5)
			head, err := ReadHead(path + ".head")
			if err != nil || head.Seq != 5 {
				t.Fatalf("head %+v %v", head, err)
			}
			data := strings.Join(tc.tamper(lines(t, path)), "")
			if !strings.HasSuffix(data, "\n") {
				data += "\n"
			}
			_, _, err = Verify(strings.NewReader(data), &head)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("untouched log: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Verify = %v, want ErrTampered mentioning %q", err, tc.want)
			}
			// Opening the tampered log refuses it too.
			if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			if l, err := Open(path); !errors.Is(err, ErrTampered) {
				if l != nil {
					l.Close()
				}
				t.Fatalf("Open of a tampered log: %v", err)
			}
		})
	}
}

func TestTornLineIsCut(t *testing.T) {
	path := writeLog(t, 3)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"seq":4,"time":"2026-11-22T09:0`)
	f.Close()
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(&Entry{Actor: "sam", Role: "supervisor", Action: "exception-approved", Case: "202611200001"}); err != nil {
		t.Fatal(err)
	}
	if h := l.Head(); h.Seq != 4 {
		t.Fatalf("head after repair %+v", h)
	}
	l.Close()
	b, _ := os.ReadFile(path)
	if _, n, err := Verify(bytes.NewReader(b), nil); err != nil || n != 4 {
		t.Fatalf("Verify after repair: %d %v", n, err)
	}
}

func FuzzVerify(f *testing.F) {
	e := Entry{Actor: "olga", Role: "officer", Action: "start", Case: "202611200001"}
	e.seal(Head{})
	f.Add([]byte(jsonLine(e)))
	f.Add([]byte("{}\n"))
	f.Add([]byte("{\"seq\":1,\"prev\":\"\",\"hash\":\"00\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		head, n, err := Verify(bytes.NewReader(data), nil)
		if err == nil && uint64(n) != head.Seq {
			t.Fatalf("%d entries but head %d", n, head.Seq)
		}
	})
}
