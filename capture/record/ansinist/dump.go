package ansinist

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// DataFunc decides what a dump prints for a data field: rec and field are the 1-based
// positions of the record in the transaction and of the field in the record (the names
// NBIS gives its fld_<rec>_<field>.tmp files).
type DataFunc func(rec, field int, r *Record, f *Field) (string, error)

// SummarizeData is a DataFunc that prints a data field's size instead of its bytes.
func SummarizeData(rec, field int, r *Record, f *Field) (string, error) {
	return fmt.Sprintf("<%d bytes>", len(f.Data)), nil
}

// NBISDataName is a DataFunc that prints the file name NBIS's an2k2txt would write the
// data to (fld_<rec>_<field>.tmp) without writing anything.
func NBISDataName(rec, field int, r *Record, f *Field) (string, error) {
	return fmt.Sprintf("fld_%d_%d.tmp", rec, field), nil
}

// DumpOptions tune [Dump]. The zero value prints data sizes and plain lines.
type DumpOptions struct {
	// Data decides what is printed for data fields; nil means [SummarizeData].
	Data DataFunc
	// NBIS ends every line with US (0x1F) before the newline, exactly as an2k2txt does,
	// which keeps values containing newlines unambiguous.
	NBIS bool
}

// Dump writes t one information item per line in NBIS an2k2txt's form,
//
//	record.field.subfield.item [type.field]=value
//
// counting records, fields, subfields and items from 1 in file order. opts may be nil.
func Dump(w io.Writer, t *Transaction, opts *DumpOptions) error {
	data := SummarizeData
	end := []byte{'\n'}
	if opts != nil {
		if opts.Data != nil {
			data = opts.Data
		}
		if opts.NBIS {
			end = []byte{US, '\n'}
		}
	}
	bw := bufio.NewWriter(w)
	var line []byte
	for ri, r := range t.Records {
		for fi := range r.Fields {
			f := &r.Fields[fi]
			if f.IsData() {
				v, err := data(ri+1, fi+1, r, f)
				if err != nil {
					return err
				}
				line = dumpPrefix(line[:0], ri+1, fi+1, 1, 1, r.Type, f.Num)
				line = append(append(line, v...), end...)
				if _, err := bw.Write(line); err != nil {
					return err
				}
				continue
			}
			for si, sub := range f.Subfields {
				for ii, item := range sub {
					line = dumpPrefix(line[:0], ri+1, fi+1, si+1, ii+1, r.Type, f.Num)
					line = append(append(line, item...), end...)
					if _, err := bw.Write(line); err != nil {
						return err
					}
				}
			}
		}
	}
	return bw.Flush()
}

func dumpPrefix(b []byte, rec, field, sub, item, typ, num int) []byte {
	for i, n := range [4]int{rec, field, sub, item} {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(typ), 10)
	b = append(b, '.')
	if num < 100 {
		b = append(b, '0')
	}
	if num < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(num), 10)
	return append(b, "]="...)
}
