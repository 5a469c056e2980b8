package ansinist

import (
	"encoding/binary"
	"strconv"
)

// binField is one header field of a binary record: its width in bytes and how many
// one-byte items it holds (FGP holds six).
type binField struct {
	width int // bytes per item
	items int
}

// binLayout is the header of a binary record type; the data field follows it.
type binLayout []binField

var (
	// Types 3–7: LEN(4) IDC(1) IMP(1) FGP(6×1) ISR(1) HLL(2) VLL(2) GCA(1), 18 bytes.
	legacyLayout = binLayout{{4, 1}, {1, 1}, {1, 1}, {1, 6}, {1, 1}, {2, 1}, {2, 1}, {1, 1}}
	// Type-7 records shorter than 18 bytes carry only LEN(4) IDC(1) before user data.
	userLayout = binLayout{{4, 1}, {1, 1}}
	// Type-8: LEN(4) IDC(1) SIG(1) SRT(1) ISR(1) HLL(2) VLL(2), 12 bytes.
	signatureLayout = binLayout{{4, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {2, 1}, {2, 1}}
)

// size is the header length in bytes.
func (l binLayout) size() int {
	n := 0
	for _, f := range l {
		n += f.width * f.items
	}
	return n
}

// layoutFor picks the header layout of a binary record of type t and total length n
// (n < 0 when writing: then nfields, the number of fields in the record, decides).
func layoutFor(t, n, nfields int) binLayout {
	switch {
	case t == 8:
		return signatureLayout
	case t == 7 && n >= 0 && n < legacyLayout.size():
		return userLayout
	case t == 7 && n < 0 && nfields == len(userLayout)+1:
		return userLayout
	}
	return legacyLayout
}

// parseBinary decodes a complete binary record held in buf.
func parseBinary(buf []byte, typ, rec int, base int64) (*Record, error) {
	lay := layoutFor(typ, len(buf), 0)
	if len(buf) < lay.size() {
		return nil, errAt(ErrLength, rec, typ, 1, base, "binary record of %d bytes is shorter than its %d-byte header", len(buf), lay.size())
	}
	r := &Record{Type: typ, Fields: make([]Field, 0, len(lay)+1), offset1: base + 1}
	pos := 0
	for i, bf := range lay {
		sub := make(Subfield, bf.items)
		for k := range sub {
			sub[k] = strconv.FormatUint(beUint(buf[pos:pos+bf.width]), 10)
			pos += bf.width
		}
		r.Fields = append(r.Fields, Field{Num: i + 1, Subfields: []Subfield{sub}})
	}
	r.Fields = append(r.Fields, Field{Num: len(lay) + 1, Data: buf[pos:]})
	return r, nil
}

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// appendBinary encodes binary record r (at index rec) to dst, computing LEN.
func appendBinary(dst []byte, r *Record, rec int) ([]byte, error) {
	lay := layoutFor(r.Type, -1, len(r.Fields))
	if len(r.Fields) != len(lay)+1 {
		return dst, errAt(ErrValue, rec, r.Type, 0, -1, "binary record needs %d fields, has %d", len(lay)+1, len(r.Fields))
	}
	data := r.Fields[len(lay)]
	total := lay.size() + len(data.Data)
	if uint64(total) > 0xFFFFFFFF {
		return dst, errAt(ErrTooLarge, rec, r.Type, len(lay)+1, -1, "record of %d bytes exceeds 4 GiB", total)
	}
	for i, bf := range lay {
		f := &r.Fields[i]
		if f.Num != i+1 {
			return dst, errAt(ErrValue, rec, r.Type, f.Num, -1, "binary record field %d out of place (expected %d)", f.Num, i+1)
		}
		if i == 0 { // LEN is always recomputed
			dst = binary.BigEndian.AppendUint32(dst, uint32(total))
			continue
		}
		if len(f.Subfields) != 1 || len(f.Subfields[0]) != bf.items {
			return dst, errAt(ErrValue, rec, r.Type, f.Num, -1, "binary field needs 1 subfield of %d items", bf.items)
		}
		for _, item := range f.Subfields[0] {
			v, err := strconv.ParseUint(item, 10, 8*bf.width)
			if err != nil {
				return dst, errAt(ErrValue, rec, r.Type, f.Num, -1, "%q does not fit %d byte(s)", item, bf.width)
			}
			for k := bf.width - 1; k >= 0; k-- {
				dst = append(dst, byte(v>>(8*k)))
			}
		}
	}
	return append(dst, data.Data...), nil
}
