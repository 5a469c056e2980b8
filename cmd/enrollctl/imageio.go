package main

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // PNG fingerprint images
	"os"
	"path/filepath"
	"strings"

	"github.com/enrolld/enrolld/matcher/extract"
)

// loadImage reads a PNG or binary PGM (P5) greyscale image.
func loadImage(path string) (image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pgm", ".pnm":
		img, err := extract.DecodePGM(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return img, nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}
