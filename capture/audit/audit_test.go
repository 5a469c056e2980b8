package audit

import (
	"errors"
	"strings"
	"testing"
)

func TestVerifyDetectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(es []Entry) []Entry
		want   string
	}{
		{"untouched", func(es []Entry) []Entry { return es }, ""},
		{"changed", func(es []Entry) []Entry { es[2].Actor = "otto"; return es }, "was changed"},
		{"changed and rehashed", func(es []Entry) []Entry {
			es[2].Detail = "quality 99"
			es[2].Hash = es[2].computeHash()
			return es
		}, "does not link"},
		{"removed", func(es []Entry) []Entry { return append(es[:2:2], es[3:]...) }, "removed"},
		{"reordered", func(es []Entry) []Entry { es[1], es[2] = es[2], es[1]; return es }, "removed or the order changed"},
		{"cut off the end", func(es []Entry) []Entry { return es[:3] }, "cut off"},
		{"one added at the end", func(es []Entry) []Entry {
			e := Entry{Actor: "mallory", Action: "sign-in"}
			e.Seal(es[len(es)-1].Head())
			return append(es, e)
		}, "cut off or added"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := chain(5)
			head := es[4].Head()
			es = tc.tamper(es)
			var v Verifier
			var err error
			for i := range es {
				if err = v.Check(&es[i]); err != nil {
					break
				}
			}
			if err == nil {
				err = v.End(head)
			}
			_, _, xerr := ReadExport(strings.NewReader(export(t, head, es)), nil)
			if tc.want == "" {
				if err != nil || xerr != nil || v.Count() != 5 {
					t.Fatalf("untouched chain: %v / export %v (%d entries)", err, xerr, v.Count())
				}
				return
			}
			for _, err := range []error{err, xerr} {
				if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want ErrTampered mentioning %q", err, tc.want)
				}
			}
		})
	}
}

func TestEmptyChain(t *testing.T) {
	head, n, err := ReadExport(strings.NewReader(export(t, Head{}, nil)), nil)
	if err != nil || n != 0 || head != (Head{}) {
		t.Fatalf("empty export: %v %d %v", head, n, err)
	}
	if _, _, err := ReadExport(strings.NewReader(export(t, Head{Seq: 1, Hash: "ab"}, nil)), nil); !errors.Is(err, ErrTampered) {
		t.Fatalf("an empty chain under a head of 1: %v", err)
	}
}

func TestReadExportRejectsMalformed(t *testing.T) {
	good := export(t, chain(2)[1].Head(), chain(2))
	for name, in := range map[string]string{
		"nothing":       "",
		"bad head":      "{\"seq\":\"x\"}\n",
		"unknown field": strings.Replace(good, `"actor"`, `"who":"x","actor"`, 1),
		"not json":      good + "seq 3\n",
		"two objects":   strings.Replace(good, "}\n{\"seq\":1", "}{\"seq\":1", 1),
	} {
		if _, _, err := ReadExport(strings.NewReader(in), nil); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
}

func TestSealCoversEveryField(t *testing.T) {
	base := chain(1)[0]
	for name, mutate := range map[string]func(e *Entry){
		"time":          func(e *Entry) { e.Time = e.Time.Add(1) },
		"actor":         func(e *Entry) { e.Actor = "x" },
		"role":          func(e *Entry) { e.Role = "supervisor" },
		"action":        func(e *Entry) { e.Action = "x" },
		"case":          func(e *Entry) { e.Case = "x" },
		"justification": func(e *Entry) { e.Justification = "x" },
		"detail":        func(e *Entry) { e.Detail = "x" },
		"packet":        func(e *Entry) { e.Packet = "x" },
	} {
		e := base
		mutate(&e)
		var v Verifier
		if err := v.Check(&e); !errors.Is(err, ErrTampered) {
			t.Errorf("%s changed: %v", name, err)
		}
	}
}

func FuzzReadExport(f *testing.F) {
	es := chain(2)
	var b strings.Builder
	x := NewExportWriter(&b, es[1].Head())
	_ = x.Write(&es[0])
	_ = x.Write(&es[1])
	_ = x.Close()
	f.Add([]byte(b.String()))
	f.Add([]byte("{}\n"))
	f.Add([]byte("{\"seq\":1,\"hash\":\"00\"}\n{\"seq\":1,\"prev\":\"\",\"hash\":\"00\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		head, n, err := ReadExport(strings.NewReader(string(data)), nil)
		if err == nil && uint64(n) != head.Seq {
			t.Fatalf("%d entries but head %d", n, head.Seq)
		}
	})
}
