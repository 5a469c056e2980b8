package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// runExtract implements "enrollctl extract IMAGE… --out DIR [--dpi N] [--json]": one
// ISO/IEC 19794-2:2005 record per image, written as DIR/NAME.iso with mode 0600. With
// --json the minutiae and quality are printed on stdout (never written to disk as text).
func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory for the ISO templates (required)")
	dpi := fs.Float64("dpi", 500, "image resolution in dots per inch")
	asJSON := fs.Bool("json", false, "print minutiae and quality as JSON on stdout")
	images, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *out == "" || len(images) == 0 {
		return fmt.Errorf("extract: usage: enrollctl extract IMAGE… --out DIR [--dpi N] [--json]")
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	var docs []jsonTemplate
	for _, path := range images {
		if err := ctx.Err(); err != nil {
			return err
		}
		img, err := loadImage(path)
		if err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		res, err := extract.Extract(img, extract.Options{DPI: *dpi})
		if err != nil {
			return fmt.Errorf("extract: %s: %w", path, err)
		}
		rec, err := matcher.EncodeISO(res.Template)
		if err != nil {
			return fmt.Errorf("extract: %s: %w", path, err)
		}
		base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		dst := filepath.Join(*out, base+".iso")
		if err := os.WriteFile(dst, rec, 0o600); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		docs = append(docs, toJSON(path, dst, res))
		if !*asJSON {
			fmt.Fprintf(stdout, "%s: %d minutiae, quality %d -> %s\n", path, len(res.Template.Minutiae), res.Template.Quality, dst)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(docs)
	}
	return nil
}

type jsonMinutia struct {
	X        int     `json:"x"`
	Y        int     `json:"y"`
	AngleDeg float64 `json:"angle_deg"`
	Type     string  `json:"type"`
	Quality  uint8   `json:"quality"`
}

type jsonTemplate struct {
	Image    string          `json:"image"`
	Template string          `json:"template"`
	Width    int             `json:"width"`
	Height   int             `json:"height"`
	DPI      float64         `json:"dpi"`
	Quality  extract.Quality `json:"quality"`
	Minutiae []jsonMinutia   `json:"minutiae"`
}

func toJSON(img, dst string, res *extract.Result) jsonTemplate {
	t := res.Template
	d := jsonTemplate{Image: img, Template: dst, Width: t.Width, Height: t.Height, DPI: math.Round(t.DPI()), Quality: res.Quality}
	for _, m := range t.Minutiae {
		d.Minutiae = append(d.Minutiae, jsonMinutia{m.X, m.Y, math.Round(m.Angle*180/math.Pi*10) / 10, m.Type.String(), m.Quality})
	}
	return d
}
