package ansinist

import (
	"errors"
	"strings"
	"testing"
)

var enrollProfile = Profile{
	Name:    "enroll-test",
	TOT:     []string{"ENR"},
	Records: []RecordRule{{Type: 2, Min: 1, Max: 1}, {Type: 14, Min: 1}},
	Type2: []FieldRule{
		{Num: 18, Name: "NAM", Required: true, MaxLen: 50, Chars: CharsANS, Pattern: `[A-Z' -]+,[A-Z' -]+`},
		{Num: 22, Name: "DOB", Required: true, MinLen: 8, MaxLen: 8, Chars: CharsN},
		{Num: 24, Name: "SEX", Chars: CharsA, MaxLen: 1},
		{Num: 47, Name: "ALIAS", MaxOccurrences: 2, Items: 2},
	},
}

func TestProfileValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(tx *Transaction)
		fields []string // fields named in the error, none if valid
	}{
		{"valid", func(tx *Transaction) {}, nil},
		{"missing DOB", func(tx *Transaction) { tx.Records[1].Remove(22) }, []string{"2.022"}},
		{"DOB not numeric", func(tx *Transaction) { tx.Records[1].SetText(22, "1970-02-") }, []string{"2.022"}},
		{"name pattern", func(tx *Transaction) { tx.Records[1].SetText(18, "john doe") }, []string{"2.018"}},
		{"sex too long", func(tx *Transaction) { tx.Records[1].SetText(24, "MM") }, []string{"2.024"}},
		{"alias items", func(tx *Transaction) {
			tx.Records[1].Set(Field{Num: 47, Subfields: []Subfield{{"a"}}})
		}, []string{"2.047"}},
		{"too many aliases", func(tx *Transaction) {
			tx.Records[1].Set(Field{Num: 47, Subfields: []Subfield{{"a", "b"}, {"c", "d"}, {"e", "f"}}})
		}, []string{"2.047"}},
		{"wrong TOT", func(tx *Transaction) { tx.Records[0].SetText(4, "XYZ") }, []string{"1.004"}},
		{"two problems", func(tx *Transaction) { tx.Records[1].Remove(18); tx.Records[1].Remove(22) }, []string{"2.018", "2.022"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, _ := buildAll(t)
			tx.Records[1].Set(TextField(18, "DOE,JOHN"))
			tx.Records[1].Set(TextField(24, "M"))
			tx.Records[1].Set(Field{Num: 47, Subfields: []Subfield{{"a", "b"}, {"c", "d"}}})
			tc.mutate(tx)
			err := enrollProfile.Validate(tx)
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			for _, f := range tc.fields {
				if !strings.Contains(err.Error(), "field "+f) {
					t.Errorf("error %q does not name field %s", err, f)
				}
			}
		})
	}
}

func TestProfileRecordsAndClosed(t *testing.T) {
	tx, _ := buildAll(t)
	p := Profile{Name: "closed", Closed: true, Records: []RecordRule{{Type: 10, Min: 2}}, Type2: []FieldRule{{Num: 18}}}
	err := p.Validate(tx)
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "type-10") {
		t.Errorf("record count not checked: %v", err)
	}
	if !strings.Contains(err.Error(), "field 2.022") || !strings.Contains(err.Error(), "field 2.047") {
		t.Errorf("closed profile did not reject unknown fields: %v", err)
	}
}
