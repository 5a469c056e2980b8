package ansinist

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// NewTransaction starts a transaction with the Type-1 record built from h.
func NewTransaction(h Header) (*Transaction, error) {
	t1, err := h.Record()
	if err != nil {
		return nil, err
	}
	return &Transaction{Records: []*Record{t1}}, nil
}

// Add appends records and updates the content listing.
func (t *Transaction) Add(recs ...*Record) error {
	t.Records = append(t.Records, recs...)
	return t.SetContent()
}

// SetContent rebuilds 1.003 CNT from the records after the Type-1.
func (t *Transaction) SetContent() error {
	if len(t.Records) == 0 || t.Records[0].Type != 1 {
		return errAt(ErrMissing, 1, 1, 0, -1, "a transaction starts with a Type-1 record")
	}
	cnt := Field{Num: 3, Subfields: []Subfield{{"1", strconv.Itoa(len(t.Records) - 1)}}}
	for i, r := range t.Records[1:] {
		if r == nil {
			return errAt(ErrMissing, i+2, 0, 0, -1, "nil record")
		}
		idc := r.Text(2)
		if _, ok := atoi([]byte(idc)); !ok {
			return errAt(ErrMissing, i+2, r.Type, 2, -1, "record has no numeric IDC")
		}
		if len(idc) == 1 {
			idc = "0" + idc
		}
		cnt.Subfields = append(cnt.Subfields, Subfield{strconv.Itoa(r.Type), idc})
	}
	t.Records[0].Set(cnt)
	return nil
}

// Header returns the typed Type-1 content.
func (t *Transaction) Header() (*Header, error) {
	if len(t.Records) == 0 {
		return nil, errAt(ErrMissing, 1, 1, 0, -1, "empty transaction")
	}
	return HeaderOf(t.Records[0])
}

// Validate checks what the parser does not: the Type-1 record is 7-bit ASCII with a
// known version (0200–0502), its mandatory fields and valid dates; each record's IDC
// matches the content listing; text of other records is valid UTF-8 when 1.015 declares
// UTF-8; and DCS declares no UTF-16 or UTF-32 text, whose bytes could collide with the
// separators. It returns all violations joined (each an *Error).
func (t *Transaction) Validate() error {
	if err := t.checkContent(); err != nil {
		return err
	}
	var errs []error
	t1 := t.Records[0]
	for _, f := range t1.Fields {
		if !textIs(&f, func(c byte) bool { return c < 0x80 }) {
			errs = append(errs, errAt(ErrValue, 1, 1, f.Num, -1, "Type-1 text must be 7-bit ASCII"))
		}
	}
	h, err := HeaderOf(t1)
	if err != nil {
		return err
	}
	check := h.check
	if legacyVersions[h.Version] {
		check = h.checkFields
	}
	if err := check(); err != nil {
		errs = append(errs, err)
	}
	cnt := t1.Field(3)
	utf8Text := false
	for _, cs := range h.CharSets {
		utf8Text = utf8Text || cs.Index == CharSetUTF8
		if cs.Index == CharSetUTF16 || cs.Index == CharSetUTF32 {
			errs = append(errs, errAt(ErrUnsupported, 1, 1, 15, t1.Offset(), "UTF-16/UTF-32 text (DCS %03d) can contain separator bytes and cannot be checked", cs.Index))
		}
	}
	for i, r := range t.Records[1:] {
		if want, got := cnt.Item(i+1, 1), r.IDC(); fmt.Sprintf("%02d", got) != want && strconv.Itoa(got) != want {
			errs = append(errs, errAt(ErrContent, i+2, r.Type, 2, -1, "IDC %d does not match %q in 1.003", got, want))
		}
		if !utf8Text || IsBinaryType(r.Type) {
			continue
		}
		for _, f := range r.Fields {
			if !f.IsData() && !textValidUTF8(&f) {
				errs = append(errs, errAt(ErrValue, i+2, r.Type, f.Num, -1, "text is not valid UTF-8"))
			}
		}
	}
	return errors.Join(errs...)
}

func textIs(f *Field, ok func(byte) bool) bool {
	for _, sub := range f.Subfields {
		for _, item := range sub {
			for i := 0; i < len(item); i++ {
				if !ok(item[i]) {
					return false
				}
			}
		}
	}
	return true
}

func textValidUTF8(f *Field) bool {
	for _, sub := range f.Subfields {
		for _, item := range sub {
			if !utf8.ValidString(item) {
				return false
			}
		}
	}
	return true
}
