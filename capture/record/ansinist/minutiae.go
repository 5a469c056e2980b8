package ansinist

import (
	"fmt"
	"strconv"
)

// Minutia types (item MNT of 9.137).
const (
	MinutiaOther       = 0
	MinutiaRidgeEnding = 1
	MinutiaBifurcation = 2
)

// Minutia is one subfield of 9.137 FMD in INCITS 378 units.
type Minutia struct {
	Index   int // MDX, 1-based
	X, Y    int // pixels
	Angle   int // 0–179, in units of 2 degrees (INCITS 378)
	Quality int // 0–100
	Type    int // see Minutia* constants
}

// Core is one subfield of 9.139 CIN.
type Core struct{ X, Y, Angle int }

// Delta is one subfield of 9.140 DIN.
type Delta struct{ X, Y, Angle int }

// RidgeCount is one subfield of 9.138 RCI: the ridges crossed between two minutiae.
type RidgeCount struct{ A, B, Count int }

// Minutiae378 is a Type-9 minutiae record using the INCITS 378 block (9.126–9.140):
// the fields of an INCITS 378 finger minutiae template written as ANSI/NIST text.
type Minutiae378 struct {
	IDC        int
	Impression int // 9.003 IMP
	// Format is 9.004 FMT; "" means "U", which ANSI/NIST-ITL 1-2011 requires unless the
	// record carries the legacy fields 9.005–9.012 ("S").
	Format string
	// 9.126 CBI: CBEFF format owner, format type and product identifier.
	FormatOwner, FormatType int
	ProductID               string
	Certified               bool   // 9.127 AFC: equipment certified to Appendix F
	EquipmentID             string // 9.127 CID
	Width, Height           int    // 9.128/9.129
	Scale                   int    // 9.130 SLC
	HPS, VPS                int    // 9.131/9.132 (with ScalePPCM: 197 is 500 ppi)
	View                    int    // 9.133 FVW
	Position                int    // 9.134 FGP
	Quality                 []QualityMetric
	Minutiae                []Minutia
	RidgeCounts             []RidgeCount
	Cores                   []Core
	Deltas                  []Delta
}

// Record encodes the minutiae record (9.136 NOM is the number of minutiae).
func (m *Minutiae378) Record() (*Record, error) {
	if m.IDC < 0 || m.IDC > 99 {
		return nil, errAt(ErrValue, 0, 9, 2, -1, "IDC %d outside 0–99", m.IDC)
	}
	for i, mn := range m.Minutiae {
		if mn.Angle < 0 || mn.Angle > 179 || mn.X < 0 || mn.Y < 0 || mn.Quality < 0 || mn.Quality > 100 || mn.Type < 0 || mn.Type > 2 {
			return nil, errAt(ErrValue, 0, 9, 137, -1, "minutia %d out of range: %+v", i+1, mn)
		}
	}
	format := m.Format
	if format == "" {
		format = "U"
	}
	r := &Record{Type: 9, Fields: []Field{
		TextField(1, "0"), TextField(2, fmt.Sprintf("%02d", m.IDC)), TextField(3, strconv.Itoa(m.Impression)), TextField(4, format),
		TextField(126, strconv.Itoa(m.FormatOwner), strconv.Itoa(m.FormatType), m.ProductID),
		TextField(127, boolDigit(m.Certified), m.EquipmentID),
		TextField(128, strconv.Itoa(m.Width)), TextField(129, strconv.Itoa(m.Height)), TextField(130, strconv.Itoa(m.Scale)),
		TextField(131, strconv.Itoa(m.HPS)), TextField(132, strconv.Itoa(m.VPS)),
		TextField(133, strconv.Itoa(m.View)), TextField(134, strconv.Itoa(m.Position)),
	}}
	r.Fields = appendRepeating(r.Fields, 135, len(m.Quality), func(i int) Subfield {
		q := m.Quality[i]
		return Subfield{strconv.Itoa(q.Score), q.VendorID, strconv.Itoa(q.ProductID)}
	})
	r.Fields = append(r.Fields, TextField(136, strconv.Itoa(len(m.Minutiae))))
	r.Fields = appendRepeating(r.Fields, 137, len(m.Minutiae), func(i int) Subfield {
		mn := m.Minutiae[i]
		return itoaAll(mn.Index, mn.X, mn.Y, mn.Angle, mn.Quality, mn.Type)
	})
	r.Fields = appendRepeating(r.Fields, 138, len(m.RidgeCounts), func(i int) Subfield {
		c := m.RidgeCounts[i]
		return itoaAll(c.A, c.B, c.Count)
	})
	r.Fields = appendRepeating(r.Fields, 139, len(m.Cores), func(i int) Subfield { c := m.Cores[i]; return itoaAll(c.X, c.Y, c.Angle) })
	r.Fields = appendRepeating(r.Fields, 140, len(m.Deltas), func(i int) Subfield { d := m.Deltas[i]; return itoaAll(d.X, d.Y, d.Angle) })
	return r, nil
}

// Minutiae378Of reads the INCITS 378 block of a Type-9 record.
func Minutiae378Of(r *Record) (*Minutiae378, error) {
	if r.Type != 9 {
		return nil, errAt(ErrValue, 0, r.Type, 0, -1, "not a Type-9 record")
	}
	if r.Field(126) == nil {
		return nil, errAt(ErrMissing, 0, 9, 126, -1, "no INCITS 378 block (9.126 CBI)")
	}
	var bad *Error
	num := func(field int, s string) int {
		v, err := strconv.Atoi(s)
		if err != nil && bad == nil {
			bad = errAt(ErrValue, 0, 9, field, -1, "%q is not a number", s)
		}
		return v
	}
	f := func(n int) *Field {
		if fl := r.Field(n); fl != nil {
			return fl
		}
		return &Field{Num: n}
	}
	m := &Minutiae378{IDC: r.IDC(), Format: r.Text(4), ProductID: f(126).Item(0, 2), EquipmentID: f(127).Item(0, 1),
		Certified: f(127).Item(0, 0) == "1"}
	m.Impression, _ = r.Int(3)
	m.FormatOwner, m.FormatType = num(126, f(126).Item(0, 0)), num(126, f(126).Item(0, 1))
	for i, dst := range []*int{&m.Width, &m.Height, &m.Scale, &m.HPS, &m.VPS, &m.View, &m.Position} {
		*dst = num(128+i, f(128+i).Text())
	}
	for _, s := range f(135).Subfields {
		m.Quality = append(m.Quality, QualityMetric{Position: m.Position, Score: num(135, item(s, 0)), VendorID: item(s, 1), ProductID: num(135, item(s, 2))})
	}
	for _, s := range f(137).Subfields {
		m.Minutiae = append(m.Minutiae, Minutia{num(137, item(s, 0)), num(137, item(s, 1)), num(137, item(s, 2)), num(137, item(s, 3)), num(137, item(s, 4)), num(137, item(s, 5))})
	}
	for _, s := range f(138).Subfields {
		m.RidgeCounts = append(m.RidgeCounts, RidgeCount{num(138, item(s, 0)), num(138, item(s, 1)), num(138, item(s, 2))})
	}
	for _, s := range f(139).Subfields {
		m.Cores = append(m.Cores, Core{num(139, item(s, 0)), num(139, item(s, 1)), num(139, item(s, 2))})
	}
	for _, s := range f(140).Subfields {
		m.Deltas = append(m.Deltas, Delta{num(140, item(s, 0)), num(140, item(s, 1)), num(140, item(s, 2))})
	}
	if bad != nil {
		return nil, bad
	}
	if nom := num(136, f(136).Text()); nom != len(m.Minutiae) || bad != nil {
		return nil, errAt(ErrValue, 0, 9, 136, -1, "NOM says %d minutiae, 9.137 holds %d", nom, len(m.Minutiae))
	}
	return m, nil
}

func item(s Subfield, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}
