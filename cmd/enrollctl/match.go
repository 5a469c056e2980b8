package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/extract"
)

// runMatch implements "enrollctl match A B [--dpi N] [--fmr F]": A and B are fingerprint
// images (PNG, PGM) or ISO/IEC 19794-2 records; prints the raw similarity, the calibrated
// score (−10·log10 FMR) and the decision at the threshold for the target FMR.
func runMatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dpi := fs.Float64("dpi", 500, "resolution of image inputs in dots per inch")
	fmr := fs.Float64("fmr", 0.0001, "target false-match rate of the decision threshold")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 2 {
		return fmt.Errorf("match: usage: enrollctl match A B [--dpi N] [--fmr F]")
	}
	var p [2]*matcher.Prepared
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, err := loadTemplate(f, *dpi)
		if err != nil {
			return fmt.Errorf("match: %w", err)
		}
		p[i] = matcher.Prepare(t)
	}
	var c matcher.Comparator
	raw := c.Compare(p[0], p[1])
	thr := matcher.ThresholdForFMR(*fmr)
	decision := "no match"
	if raw >= thr {
		decision = "match"
	}
	fmt.Fprintf(stdout, "similarity %.4f\nscore %.1f (estimated FMR %.2g)\nthreshold %.4f at FMR %g\ndecision %s\n",
		raw, matcher.CalibratedScore(raw), matcher.FMRForScore(raw), thr, *fmr, decision)
	return nil
}

// loadTemplate reads an ISO/IEC 19794-2 record (first view) or extracts an image.
func loadTemplate(path string, dpi float64) (*matcher.Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte("FMR\x00")) {
		views, err := matcher.DecodeISO(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(views) == 0 {
			return nil, fmt.Errorf("%s: record holds no finger view", path)
		}
		return &views[0], nil
	}
	img, err := loadImage(path)
	if err != nil {
		return nil, err
	}
	res, err := extract.Extract(img, extract.Options{DPI: dpi})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res.Template, nil
}
