package firmware

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a firmware version as devices report it in bcdDevice: two BCD bytes,
// major.minor, so 0x0123 is "1.23". Versions order numerically.
type Version uint16

// ParseVersion parses "M.mm" (M and mm each 0–99), as written in manifests.
func ParseVersion(s string) (Version, error) {
	major, minor, ok := strings.Cut(s, ".")
	if !ok {
		return 0, fmt.Errorf("firmware: version %q: want MAJOR.MINOR like 1.20", s)
	}
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || ma < 0 || ma > 99 || mi < 0 || mi > 99 || len(minor) > 2 {
		return 0, fmt.Errorf("firmware: version %q: MAJOR and MINOR must be numbers 0-99", s)
	}
	return Version(toBCD(ma)<<8 | toBCD(mi)), nil
}

// FromBCD interprets a bcdDevice value as a version, rejecting non-BCD digits.
func FromBCD(bcd uint16) (Version, error) {
	for shift := 0; shift < 16; shift += 4 {
		if (bcd>>shift)&0xf > 9 {
			return 0, fmt.Errorf("firmware: bcdDevice %#04x is not binary-coded decimal", bcd)
		}
	}
	return Version(bcd), nil
}

// String formats the version as "M.mm".
func (v Version) String() string {
	return fmt.Sprintf("%d.%02d", fromBCD(uint16(v)>>8), fromBCD(uint16(v)&0xff))
}

// MarshalText writes the version as "M.mm".
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText parses "M.mm".
func (v *Version) UnmarshalText(b []byte) error {
	p, err := ParseVersion(string(b))
	*v = p
	return err
}

func toBCD(n int) uint16   { return uint16(n/10<<4 | n%10) }
func fromBCD(b uint16) int { return int(b>>4)*10 + int(b&0xf) }
