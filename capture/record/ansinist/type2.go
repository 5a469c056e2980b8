package ansinist

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// UserDefined builds a Type-2 record. Only 2.001 LEN and 2.002 IDC are defined by the
// standard; every other field (2.003–2.999) belongs to the domain's application profile
// (the FBI's EBTS, a ministry's enrollment profile, ...). fields are kept in the order
// given.
func UserDefined(idc int, fields ...Field) (*Record, error) {
	if idc < 0 || idc > 99 {
		return nil, errAt(ErrValue, 0, 2, 2, -1, "IDC %d outside 0–99", idc)
	}
	r := &Record{Type: 2, Fields: []Field{TextField(1, "0"), TextField(2, fmt.Sprintf("%02d", idc))}}
	seen := map[int]bool{}
	for _, f := range fields {
		if f.Num < 3 || f.Num > 999 || seen[f.Num] {
			return nil, errAt(ErrValue, 0, 2, f.Num, -1, "user-defined field number must be unique and within 3–999")
		}
		if f.IsData() || len(f.Subfields) == 0 {
			return nil, errAt(ErrValue, 0, 2, f.Num, -1, "user-defined fields hold text")
		}
		seen[f.Num] = true
		r.Fields = append(r.Fields, f)
	}
	return r, nil
}

// Charset classes of a field rule, after the standard's character type column.
const (
	CharsN   = "N"   // digits
	CharsA   = "A"   // letters and space
	CharsAN  = "AN"  // letters, digits, space
	CharsANS = "ANS" // printable 7-bit ASCII
	CharsU   = "U"   // any text the transaction's character set allows
)

// FieldRule describes one Type-2 field of an application profile.
type FieldRule struct {
	Num      int    `yaml:"num" json:"num"`
	Name     string `yaml:"name" json:"name"` // mnemonic, e.g. "NAM"
	Required bool   `yaml:"required" json:"required"`
	// MaxOccurrences bounds the number of subfields; 0 means 1.
	MaxOccurrences int `yaml:"max_occurrences" json:"max_occurrences"`
	// Items is the number of information items per subfield; 0 means any.
	Items  int    `yaml:"items" json:"items"`
	MinLen int    `yaml:"min_len" json:"min_len"` // per item
	MaxLen int    `yaml:"max_len" json:"max_len"` // per item; 0 means no limit
	Chars  string `yaml:"chars" json:"chars"`     // one of the Chars* classes; "" means U
	// Pattern, if set, is a regular expression every item must match in full.
	Pattern string `yaml:"pattern" json:"pattern"`
}

// RecordRule bounds how many records of one type a transaction carries.
type RecordRule struct {
	Type int `yaml:"type" json:"type"`
	Min  int `yaml:"min" json:"min"`
	Max  int `yaml:"max" json:"max"` // 0 means no limit
}

// Profile is an application profile: which transaction types, records and Type-2 fields
// a receiving system requires.
type Profile struct {
	Name string `yaml:"name" json:"name"`
	// TOT lists the accepted 1.004 values; empty accepts any.
	TOT     []string     `yaml:"tot" json:"tot"`
	Records []RecordRule `yaml:"records" json:"records"`
	Type2   []FieldRule  `yaml:"type2" json:"type2"`
	// Closed rejects Type-2 fields the profile does not list.
	Closed bool `yaml:"closed" json:"closed"`
}

// Validate checks t against the profile and returns every violation joined (each an
// *Error naming record and field).
func (p *Profile) Validate(t *Transaction) error {
	if len(t.Records) == 0 {
		return errAt(ErrMissing, 1, 1, 0, -1, "empty transaction")
	}
	var errs []error
	if tot := t.Records[0].Text(4); len(p.TOT) > 0 && !contains(p.TOT, tot) {
		errs = append(errs, errAt(ErrValue, 1, 1, 4, -1, "TOT %q not accepted by profile %s", tot, p.Name))
	}
	count := map[int]int{}
	for _, r := range t.Records {
		count[r.Type]++
	}
	for _, rr := range p.Records {
		if n := count[rr.Type]; n < rr.Min || (rr.Max > 0 && n > rr.Max) {
			errs = append(errs, errAt(ErrMissing, 0, rr.Type, 0, -1, "profile %s needs %d–%d type-%d records, found %d", p.Name, rr.Min, rr.Max, rr.Type, n))
		}
	}
	for i, r := range t.Records {
		if r.Type == 2 {
			errs = append(errs, p.validateType2(r, i+1)...)
		}
	}
	return errors.Join(errs...)
}

func (p *Profile) validateType2(r *Record, rec int) []error {
	var errs []error
	known := map[int]bool{1: true, 2: true}
	for _, rule := range p.Type2 {
		known[rule.Num] = true
		f := r.Field(rule.Num)
		if f == nil {
			if rule.Required {
				errs = append(errs, errAt(ErrMissing, rec, 2, rule.Num, -1, "%s is required by profile %s", rule.Name, p.Name))
			}
			continue
		}
		if err := rule.check(f); err != nil {
			errs = append(errs, errAt(ErrValue, rec, 2, rule.Num, -1, "%s: %v", rule.Name, err))
		}
	}
	if p.Closed {
		for _, f := range r.Fields {
			if !known[f.Num] {
				errs = append(errs, errAt(ErrValue, rec, 2, f.Num, -1, "field not defined by profile %s", p.Name))
			}
		}
	}
	return errs
}

func (rule *FieldRule) check(f *Field) error {
	maxOcc := max(rule.MaxOccurrences, 1)
	if len(f.Subfields) > maxOcc {
		return fmt.Errorf("%d subfields, at most %d allowed", len(f.Subfields), maxOcc)
	}
	var re *regexp.Regexp
	if rule.Pattern != "" {
		var err error
		if re, err = regexp.Compile("^(?:" + rule.Pattern + ")$"); err != nil {
			return fmt.Errorf("bad pattern in profile: %v", err)
		}
	}
	for s, sub := range f.Subfields {
		if rule.Items > 0 && len(sub) != rule.Items {
			return fmt.Errorf("subfield %d has %d items, want %d", s+1, len(sub), rule.Items)
		}
		for i, item := range sub {
			where := "item " + strconv.Itoa(s+1) + "." + strconv.Itoa(i+1)
			switch {
			case len(item) < rule.MinLen:
				return fmt.Errorf("%s shorter than %d", where, rule.MinLen)
			case rule.MaxLen > 0 && len(item) > rule.MaxLen:
				return fmt.Errorf("%s longer than %d", where, rule.MaxLen)
			case !charsOK(rule.Chars, item):
				return fmt.Errorf("%s has characters outside class %s", where, rule.Chars)
			case re != nil && !re.MatchString(item):
				return fmt.Errorf("%s does not match %s", where, rule.Pattern)
			}
		}
	}
	return nil
}

func charsOK(class, s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		digit, letter := c >= '0' && c <= '9', (c|0x20) >= 'a' && (c|0x20) <= 'z'
		var ok bool
		switch class {
		case CharsN:
			ok = digit
		case CharsA:
			ok = letter || c == ' '
		case CharsAN:
			ok = letter || digit || c == ' '
		case CharsANS:
			ok = c >= 0x20 && c < 0x7F
		default:
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
