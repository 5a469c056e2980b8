package ansinist

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Versions of the standard a Type-1 record can declare in 1.002 VER.
const (
	Version0400 = "0400" // ANSI/NIST-ITL 1-2007
	Version0500 = "0500" // ANSI/NIST-ITL 1-2011
	Version0501 = "0501" // ANSI/NIST-ITL 1-2011 Update 2013
	Version0502 = "0502" // ANSI/NIST-ITL 1-2011 Update 2015
)

// Character set indexes of 1.015 DCS.
const (
	CharSetASCII  = 0 // 7-bit ASCII (the default when DCS is absent)
	CharSetLatin1 = 1 // 8-bit ISO 8859-1
	CharSetUTF16  = 2 // UTF-16 (not usable in the traditional encoding's separators-safe text)
	CharSetUTF8   = 3 // UTF-8
	CharSetUTF32  = 4 // UTF-32
)

// CharSet is one subfield of 1.015 DCS.
type CharSet struct {
	Index   int    // CSI, see the CharSet* constants
	Name    string // CSN, e.g. "UTF-8"
	Version string // CSV, optional
}

// Domain is 1.013 DOM: the application profile ("domain") the transaction follows.
type Domain struct {
	Name    string // e.g. "NORAM"
	Version string
}

// Header is the content of a Type-1 transaction information record.
type Header struct {
	Version  string    // 1.002 VER; "" means 0502
	TOT      string    // 1.004 type of transaction, defined by the domain (e.g. "CAR")
	Date     time.Time // 1.005 DAT, local date the transaction was assembled
	Priority int       // 1.006 PRY 1 (highest)–9; 0 omits the field
	DAI      string    // 1.007 destination agency identifier
	ORI      string    // 1.008 originating agency identifier
	TCN      string    // 1.009 transaction control number
	TCR      string    // 1.010 transaction control reference (optional)
	// NSR and NTR (1.011, 1.012) are the native scanning and nominal transmitting
	// resolutions in pixels per millimetre ("19.69" is 500 ppi; 0 writes "00.00", the
	// value for transactions without legacy fixed-resolution images).
	NSR, NTR float64
	Domain   *Domain   // 1.013 DOM, optional
	GMT      time.Time // 1.014 GMT, optional (zero omits)
	CharSets []CharSet // 1.015 DCS, optional
}

// PixelsPerMM converts pixels per inch to the pixels per millimetre of NSR/NTR.
func PixelsPerMM(ppi float64) float64 { return ppi / 25.4 }

// Record builds the Type-1 record with an empty content listing (1.003 "1<US>0");
// [Transaction.SetContent] fills it in.
func (h *Header) Record() (*Record, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	ver := h.Version
	if ver == "" {
		ver = Version0502
	}
	r := &Record{Type: 1}
	r.Fields = append(r.Fields, TextField(1, "0"), TextField(2, ver), TextField(3, "1", "0"),
		TextField(4, h.TOT), TextField(5, h.Date.Format("20060102")))
	if h.Priority > 0 {
		r.Fields = append(r.Fields, TextField(6, strconv.Itoa(h.Priority)))
	}
	r.Fields = append(r.Fields, TextField(7, h.DAI), TextField(8, h.ORI), TextField(9, h.TCN))
	if h.TCR != "" {
		r.Fields = append(r.Fields, TextField(10, h.TCR))
	}
	r.Fields = append(r.Fields, TextField(11, formatPPMM(h.NSR)), TextField(12, formatPPMM(h.NTR)))
	if h.Domain != nil {
		r.Fields = append(r.Fields, TextField(13, h.Domain.Name, h.Domain.Version))
	}
	if !h.GMT.IsZero() {
		r.Fields = append(r.Fields, TextField(14, h.GMT.UTC().Format("20060102150405Z")))
	}
	if len(h.CharSets) > 0 {
		f := Field{Num: 15}
		for _, cs := range h.CharSets {
			sub := Subfield{fmt.Sprintf("%03d", cs.Index), cs.Name}
			if cs.Version != "" {
				sub = append(sub, cs.Version)
			}
			f.Subfields = append(f.Subfields, sub)
		}
		r.Fields = append(r.Fields, f)
	}
	return r, nil
}

func formatPPMM(v float64) string { return fmt.Sprintf("%05.2f", v) }

func (h *Header) check() error {
	switch h.Version {
	case "", Version0400, Version0500, Version0501, Version0502:
	default:
		return errAt(ErrValue, 1, 1, 2, -1, "version %q is not one of 0400, 0500, 0501, 0502", h.Version)
	}
	return h.checkFields()
}

// legacyVersions are versions this package reads (and Validate accepts) but does not write.
var legacyVersions = map[string]bool{"0200": true, "0201": true, "0300": true}

func (h *Header) checkFields() error {
	for _, f := range []struct {
		num int
		v   string
	}{{4, h.TOT}, {7, h.DAI}, {8, h.ORI}, {9, h.TCN}} {
		if f.v == "" {
			return errAt(ErrMissing, 1, 1, f.num, -1, "mandatory field is empty")
		}
	}
	if h.Date.IsZero() {
		return errAt(ErrMissing, 1, 1, 5, -1, "date (DAT) is not set")
	}
	if h.Priority < 0 || h.Priority > 9 {
		return errAt(ErrValue, 1, 1, 6, -1, "priority %d outside 1–9", h.Priority)
	}
	if h.NSR < 0 || h.NSR >= 100 || h.NTR < 0 || h.NTR >= 100 {
		return errAt(ErrValue, 1, 1, 11, -1, "resolution outside 0–99.99 px/mm")
	}
	return nil
}

// HeaderOf reads the typed content of a Type-1 record.
func HeaderOf(r *Record) (*Header, error) {
	if r.Type != 1 {
		return nil, errAt(ErrValue, 0, r.Type, 0, -1, "not a Type-1 record")
	}
	h := &Header{Version: r.Text(2), TOT: r.Text(4), DAI: r.Text(7), ORI: r.Text(8), TCN: r.Text(9), TCR: r.Text(10)}
	var err error
	if h.Date, err = parseDate(r, 5); err != nil {
		return nil, err
	}
	if f := r.Field(6); f != nil {
		if h.Priority, err = strconv.Atoi(f.Text()); err != nil {
			return nil, errAt(ErrValue, 1, 1, 6, -1, "priority %q is not a number", f.Text())
		}
	}
	for _, p := range []struct {
		num int
		dst *float64
	}{{11, &h.NSR}, {12, &h.NTR}} {
		if f := r.Field(p.num); f != nil {
			if *p.dst, err = strconv.ParseFloat(strings.TrimSpace(f.Text()), 64); err != nil {
				return nil, errAt(ErrValue, 1, 1, p.num, -1, "resolution %q is not a number", f.Text())
			}
		}
	}
	if f := r.Field(13); f != nil {
		h.Domain = &Domain{Name: f.Item(0, 0), Version: f.Item(0, 1)}
	}
	if f := r.Field(14); f != nil {
		if h.GMT, err = time.Parse("20060102150405Z", f.Text()); err != nil {
			return nil, errAt(ErrValue, 1, 1, 14, -1, "GMT %q is not YYYYMMDDhhmmssZ", f.Text())
		}
	}
	if f := r.Field(15); f != nil {
		for _, sub := range f.Subfields {
			idx, err := strconv.Atoi(sub[0])
			if err != nil {
				return nil, errAt(ErrValue, 1, 1, 15, -1, "character set index %q is not a number", sub[0])
			}
			cs := CharSet{Index: idx}
			if len(sub) > 1 {
				cs.Name = sub[1]
			}
			if len(sub) > 2 {
				cs.Version = sub[2]
			}
			h.CharSets = append(h.CharSets, cs)
		}
	}
	return h, nil
}

// parseDate reads a YYYYMMDD date field; an absent field gives the zero time.
func parseDate(r *Record, num int) (time.Time, error) {
	f := r.Field(num)
	if f == nil {
		return time.Time{}, nil
	}
	d, err := time.Parse("20060102", f.Text())
	if err != nil {
		return time.Time{}, errAt(ErrValue, 0, r.Type, num, -1, "date %q is not YYYYMMDD", f.Text())
	}
	return d, nil
}
