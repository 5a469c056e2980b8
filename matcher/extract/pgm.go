package extract

import (
	"errors"
	"fmt"
	"image"
	"strconv"
)

// ErrPGM means a PGM image could not be decoded.
var ErrPGM = errors.New("extract: invalid PGM image")

// DecodePGM decodes a binary 8-bit PGM ("P5") image, the format of the NFIQ 2 examples.
func DecodePGM(b []byte) (*image.Gray, error) {
	var fields [4]int
	pos := 0
	for k := 0; k < 4; k++ {
		for {
			for pos < len(b) && isSpace(b[pos]) {
				pos++
			}
			if pos < len(b) && b[pos] == '#' {
				for pos < len(b) && b[pos] != '\n' {
					pos++
				}
				continue
			}
			break
		}
		start := pos
		for pos < len(b) && !isSpace(b[pos]) {
			pos++
		}
		tok := string(b[start:pos])
		if k == 0 {
			if tok != "P5" {
				return nil, fmt.Errorf("%w: magic %q, want P5", ErrPGM, tok)
			}
			continue
		}
		v, err := strconv.Atoi(tok)
		if err != nil || v <= 0 || v > 1<<15 {
			return nil, fmt.Errorf("%w: header field %d %q", ErrPGM, k, tok)
		}
		fields[k] = v
	}
	w, h, maxv := fields[1], fields[2], fields[3]
	if maxv > 255 {
		return nil, fmt.Errorf("%w: 16-bit samples (max %d) not supported", ErrPGM, maxv)
	}
	pos++ // single whitespace after maxval
	if pos > len(b) || len(b)-pos < w*h {
		return nil, fmt.Errorf("%w: %dx%d pixels need %d bytes, have %d", ErrPGM, w, h, w*h, max(len(b)-pos, 0))
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	copy(img.Pix, b[pos:pos+w*h])
	return img, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
