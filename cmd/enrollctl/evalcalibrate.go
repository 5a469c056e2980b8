package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"

	"github.com/enrolld/enrolld/matcher"
)

// runEvalCalibrate implements "enrollctl eval calibrate DIR[@DPI]…": it pools the impostor
// scores (every pair of impressions of different fingers) of the folders, measures the
// raw similarity at false-match rates 10^-0.5 … 10^-3.5, fits an exponential tail to the
// last measured decade and prints the table used by matcher's calibration (Go syntax).
func runEvalCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval calibrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return fmt.Errorf("eval calibrate: usage: enrollctl eval calibrate DIR[@DPI]…")
	}
	runtime.GOMAXPROCS(1)
	var imp []float64
	var cmp matcher.Comparator
	for _, d := range dirs {
		d, dpi, err := splitDirDPI(d, 500)
		if err != nil {
			return fmt.Errorf("eval calibrate: %w", err)
		}
		set, err := loadFVC(ctx, d, dpi, stderr)
		if err != nil {
			return err
		}
		for i := range set.items {
			for j := i + 1; j < len(set.items); j++ {
				if set.items[i].finger != set.items[j].finger {
					imp = append(imp, cmp.Compare(set.items[i].prep, set.items[j].prep))
				}
			}
		}
	}
	sort.Float64s(imp)
	n := float64(len(imp))
	// score at which a fraction 10^l of impostors is at or above
	at := func(l float64) float64 {
		k := int(math.Ceil(n * math.Pow(10, l)))
		return imp[len(imp)-max(k, 1)]
	}
	fmt.Fprintf(stdout, "// %d impostor comparisons\nvar calibration = []calPoint{\n\t{0, 0},\n", len(imp))
	levels := []float64{-0.30103, -0.5, -1, -1.5, -2, -2.5, -3, -3.5}
	prev := 0.0
	for _, l := range levels {
		s := at(l)
		if s <= prev {
			continue
		}
		fmt.Fprintf(stdout, "\t{%.5f, %.3f},\n", s, l)
		prev = s
	}
	// exponential tail through the last decade measured
	s2, s35 := at(-2.5), at(-3.5)
	slope := (s35 - s2) / -1.0 // raw similarity per decade of FMR
	for _, l := range []float64{-5, -7, -10} {
		fmt.Fprintf(stdout, "\t{%.5f, %.0f},\n", s35+(l+3.5)*slope, l)
	}
	fmt.Fprintln(stdout, "}")
	return nil
}
