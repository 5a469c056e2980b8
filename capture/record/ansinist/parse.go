package ansinist

// parseTag parses "T.F" (the part before the colon) and returns the record type, the
// field number and the number of digits of the field number. Two- and three-digit field
// numbers are accepted.
func parseTag(b []byte) (typ, num, digits int, ok bool) {
	dot := -1
	for i, c := range b {
		if c == '.' {
			dot = i
			break
		}
	}
	if dot < 1 || dot > 3 {
		return 0, 0, 0, false
	}
	typ, ok = atoi(b[:dot])
	if !ok {
		return 0, 0, 0, false
	}
	fb := b[dot+1:]
	if len(fb) < 2 || len(fb) > 3 {
		return 0, 0, 0, false
	}
	num, ok = atoi(fb)
	if !ok || num < 1 {
		return 0, 0, 0, false
	}
	return typ, num, len(fb), true
}

// atoi parses a non-empty run of ASCII digits (at most 10).
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseTagged parses a complete tagged record held in buf (from its first tag through
// its FS). base is buf's offset in the input, for error messages.
func parseTagged(buf []byte, typ, rec int, base int64) (*Record, error) {
	if buf[len(buf)-1] != FS {
		return nil, errAt(ErrLength, rec, typ, 1, base+int64(len(buf)-1), "the byte at LEN-1 is 0x%02x, not the FS that ends a record", buf[len(buf)-1])
	}
	r := &Record{Type: typ, Fields: make([]Field, 0, 16), offset1: base + 1}
	pos := 0
	for pos < len(buf) {
		f, next, err := parseField(buf, pos, typ, rec, base)
		if err != nil {
			return nil, err
		}
		if len(r.Fields) == 0 {
			if f.Num != 1 {
				return nil, errAt(ErrSyntax, rec, typ, f.Num, base, "first field is not %d.001 LEN", typ)
			}
			if n, ok := atoi([]byte(f.Text())); !ok || n != len(buf) {
				return nil, errAt(ErrLength, rec, typ, 1, base, "LEN %q disagrees with the record length %d", f.Text(), len(buf))
			}
		} else if r.Field(f.Num) != nil {
			return nil, errAt(ErrSyntax, rec, typ, f.Num, base+int64(pos), "field appears twice")
		}
		r.Fields = append(r.Fields, f)
		pos = next
	}
	return r, nil
}

// parseField parses the field starting at buf[pos] and returns it with the position
// after its terminating separator.
func parseField(buf []byte, pos, typ, rec int, base int64) (Field, int, error) {
	colon := -1
	for i := pos; i < len(buf) && i < pos+8; i++ {
		if buf[i] == ':' {
			colon = i
			break
		}
	}
	if colon < 0 {
		return Field{}, 0, errAt(ErrSyntax, rec, typ, 0, base+int64(pos), "no field tag (T.NNN:)")
	}
	t, num, digits, ok := parseTag(buf[pos:colon])
	if !ok {
		return Field{}, 0, errAt(ErrSyntax, rec, typ, 0, base+int64(pos), "bad field tag %q", buf[pos:colon])
	}
	if t != typ {
		return Field{}, 0, errAt(ErrSyntax, rec, typ, num, base+int64(pos), "tag %q belongs to a type-%d record", buf[pos:colon], t)
	}
	f := Field{Num: num, Digits: digits}
	start := colon + 1
	if num == 999 && hasDataField(typ) {
		f.Data = buf[start : len(buf)-1 : len(buf)-1]
		return f, len(buf), nil
	}
	end := start
	for end < len(buf) && buf[end] != GS && buf[end] != FS {
		end++
	}
	if buf[end] == FS && end != len(buf)-1 {
		return Field{}, 0, errAt(ErrLength, rec, typ, num, base+int64(end), "FS ends the record %d bytes before LEN says", len(buf)-1-end)
	}
	if buf[end] == GS && end == len(buf)-1 {
		return Field{}, 0, errAt(ErrSyntax, rec, typ, num, base+int64(end), "record ends with GS instead of FS")
	}
	f.Subfields = splitValue(buf[start:end])
	return f, end + 1, nil
}

// splitValue splits a text value into subfields (RS) and items (US). All items share one
// backing array and one string, so a field costs three allocations however many
// subfields it has.
func splitValue(v []byte) []Subfield {
	nsub, nitem := 1, 1
	for _, c := range v {
		switch c {
		case RS:
			nsub++
			nitem++
		case US:
			nitem++
		}
	}
	subs := make([]Subfield, 0, nsub)
	items := make([]string, 0, nitem)
	str := string(v)
	first, start := 0, 0 // first item of the current subfield; start of the current item
	for i := 0; i <= len(str); i++ {
		if i < len(str) && str[i] != RS && str[i] != US {
			continue
		}
		items = append(items, str[start:i])
		start = i + 1
		if i == len(str) || str[i] == RS {
			subs = append(subs, Subfield(items[first:len(items):len(items)]))
			first = len(items)
		}
	}
	return subs
}

// contentTypes checks the Type-1 content listing (1.003 CNT) and returns the types of
// the records that follow the Type-1, in order.
func contentTypes(t1 *Record) ([]int, error) {
	cnt := t1.Field(3)
	if cnt == nil || len(cnt.Subfields) == 0 {
		return nil, errAt(ErrMissing, 1, 1, 3, t1.Offset(), "no content listing (1.003 CNT)")
	}
	at := t1.Offset() // the Type-1 record's start: CNT errors point at the record

	first := cnt.Subfields[0]
	if len(first) != 2 || first[0] != "1" {
		return nil, errAt(ErrContent, 1, 1, 3, at, "first CNT subfield must be 1<US><count>")
	}
	count, ok := atoi([]byte(first[1]))
	if !ok || count != len(cnt.Subfields)-1 {
		return nil, errAt(ErrContent, 1, 1, 3, at, "CNT announces %q records but lists %d", first[1], len(cnt.Subfields)-1)
	}
	types := make([]int, count)
	for i, sub := range cnt.Subfields[1:] {
		t, ok := atoi([]byte(sub[0]))
		if !ok || len(sub) != 2 || t < 2 || t > 99 {
			return nil, errAt(ErrContent, 1, 1, 3, at, "CNT subfield %d (%q) is not <type><US><IDC> with type 2–99", i+2, []string(sub))
		}
		types[i] = t
	}
	return types, nil
}
