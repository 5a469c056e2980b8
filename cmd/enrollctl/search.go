package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
)

// runSearch implements "enrollctl search --gallery FILE [--dpi N] [--fpir F] [--json]
// FINGER[@POS]…": searches the fingers (images or ISO/IEC 19794-2 templates, each with its
// ISO finger position after @, 0 or absent for unknown) in a gallery snapshot and prints
// the ranked candidates and the hit / no-hit decision.
func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("gallery", "", "gallery snapshot")
	dpi := fs.Float64("dpi", 500, "resolution of probe images")
	fpir := fs.Float64("fpir", 0.01, "target FPIR of the hit decision")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fingers, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *file == "" || len(fingers) == 0 {
		return usageErrorf("search: usage: enrollctl search --gallery FILE FINGER[@POS]…")
	}
	var probe []*matcher.Template
	for _, spec := range fingers {
		path, pos := spec, 0
		if i := strings.LastIndex(spec, "@"); i > 0 {
			p, err := strconv.Atoi(spec[i+1:])
			if err != nil || p < 0 || p > 10 {
				return usageErrorf("search: %q: finger position must be 0–10", spec)
			}
			path, pos = spec[:i], p
		}
		t, err := loadFingerTemplate(path, *dpi)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		t.Position = uint8(pos)
		probe = append(probe, t)
	}
	g, _, err := loadSnapshotFile(*file)
	if err != nil {
		return err
	}
	res, err := g.Search(ctx, probe, gallery.SearchOptions{TargetFPIR: *fpir})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	decision := "no hit"
	if res.Hit {
		decision = "HIT"
	}
	fmt.Fprintf(stdout, "%s among %d persons (stage 1 %.1f ms, stage 2 %.1f ms, %d compared)\n",
		decision, res.Persons, ms(res.Stage1), ms(res.Stage2), res.Compared)
	for i, c := range res.Candidates {
		fmt.Fprintf(stdout, "%2d  %-24s score %6.1f  FPIR %.2g ", i+1, c.SubjectID, c.Score, c.FPIR)
		for _, f := range c.Fingers {
			fmt.Fprintf(stdout, " [%d→%d %.3f]", f.Probe, f.Gallery, f.Score)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}
