package usbtest

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// fields is one parsed line of the text form: a keyword and key=value pairs.
type fields struct {
	keyword string
	values  map[string]string
	used    map[string]bool
}

// splitLine splits `keyword k=v k2="quoted v"` into its keyword and fields.
func splitLine(line string) (*fields, error) {
	line = strings.TrimSpace(line)
	kw, rest, _ := strings.Cut(line, " ")
	f := &fields{keyword: kw, values: map[string]string{}, used: map[string]bool{}}
	for rest = strings.TrimLeft(rest, " "); rest != ""; rest = strings.TrimLeft(rest, " ") {
		key, after, ok := strings.Cut(rest, "=")
		if !ok || key == "" || strings.ContainsAny(key, " \"") {
			return nil, fmt.Errorf("%w: expected key=value at %q", ErrFormat, clip(rest))
		}
		var val string
		if strings.HasPrefix(after, `"`) {
			q, err := strconv.QuotedPrefix(after)
			if err != nil {
				return nil, fmt.Errorf("%w: bad quoted value of %s", ErrFormat, key)
			}
			if val, err = strconv.Unquote(q); err != nil {
				return nil, fmt.Errorf("%w: bad quoted value of %s", ErrFormat, key)
			}
			rest = after[len(q):]
			if rest != "" && rest[0] != ' ' {
				return nil, fmt.Errorf("%w: no space after quoted value of %s", ErrFormat, key)
			}
		} else {
			val, rest, _ = strings.Cut(after, " ")
		}
		if _, dup := f.values[key]; dup {
			return nil, fmt.Errorf("%w: %s given twice", ErrFormat, key)
		}
		f.values[key] = val
	}
	return f, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// has reports whether key was given.
func (f *fields) has(key string) bool {
	_, ok := f.values[key]
	return ok
}

// str returns the value of key ("" if absent).
func (f *fields) str(key string) string {
	f.used[key] = true
	return f.values[key]
}

// uint parses key as an unsigned number in the given base, at most bits wide.
// A missing key is an error when required, else zero.
func (f *fields) uint(key string, base, bits int, required bool) (uint64, error) {
	f.used[key] = true
	s, ok := f.values[key]
	if !ok {
		if required {
			return 0, fmt.Errorf("%w: %s needs %s=", ErrFormat, f.keyword, key)
		}
		return 0, nil
	}
	v, err := strconv.ParseUint(s, base, bits)
	if err != nil {
		return 0, fmt.Errorf("%w: %s=%q is not a %d-bit number in base %d", ErrFormat, key, clip(s), bits, base)
	}
	return v, nil
}

// hex8, hex16 and dec parse required fields; they record the first error in *err.
func (f *fields) hex8(key string, err *error) uint8 {
	v, e := f.uint(key, 16, 8, true)
	keepFirst(err, e)
	return uint8(v)
}

func (f *fields) hex16(key string, err *error) uint16 {
	v, e := f.uint(key, 16, 16, true)
	keepFirst(err, e)
	return uint16(v)
}

func (f *fields) dec(key string, bits int, err *error) uint64 {
	v, e := f.uint(key, 10, bits, true)
	keepFirst(err, e)
	return v
}

// bytes parses key as hex data; absent means nil.
func (f *fields) bytes(key string, err *error) []byte {
	f.used[key] = true
	s, ok := f.values[key]
	if !ok {
		return nil
	}
	b, e := hex.DecodeString(s)
	if e != nil {
		keepFirst(err, fmt.Errorf("%w: %s is not hex: %v", ErrFormat, key, e))
	}
	return b
}

// duration parses key as a Go duration; absent means zero.
func (f *fields) duration(key string, err *error) time.Duration {
	f.used[key] = true
	s, ok := f.values[key]
	if !ok {
		return 0
	}
	d, e := time.ParseDuration(s)
	if e != nil || d < 0 {
		keepFirst(err, fmt.Errorf("%w: %s=%q is not a duration", ErrFormat, key, clip(s)))
	}
	return d
}

// unused returns an error naming a key no one asked for (a misspelling, say).
func (f *fields) unused() error {
	var bad []string
	for k := range f.values {
		if !f.used[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("%w: %s does not take %s=", ErrFormat, f.keyword, bad[0])
}

func keepFirst(dst *error, err error) {
	if *dst == nil && err != nil {
		*dst = err
	}
}
