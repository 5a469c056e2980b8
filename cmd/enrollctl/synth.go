package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/gallery"
	"github.com/enrolld/enrolld/matcher/synth"
)

// runSynth implements "enrollctl synth gallery --persons N --seed S --out FILE": a gallery
// snapshot of N synthetic ten-finger persons (subject ids synthID(i)), enrolled with
// impression 0 of each finger. Mated probes are impressions 1, 2, … of the same fingers,
// regenerated from the seed by "bench search" and "eval search".
func runSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "gallery" {
		fmt.Fprintln(stderr, "usage: enrollctl synth gallery --persons N --seed S --out FILE")
		return usageErrorf("synth: unknown or missing sub-command (want gallery)")
	}
	fs := flag.NewFlagSet("synth gallery", flag.ContinueOnError)
	fs.SetOutput(stderr)
	persons := fs.Int("persons", 1000, "number of persons")
	seed := fs.Uint64("seed", 1, "generator seed")
	out := fs.String("out", "", "snapshot file to write (required)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *out == "" || *persons < 1 || fs.NArg() > 0 {
		return usageErrorf("synth gallery: need --out FILE and --persons ≥ 1")
	}
	t0 := time.Now()
	g, err := synthGallery(ctx, *persons, *seed, stderr)
	if err != nil {
		return err
	}
	gen := time.Since(t0)
	if err := writeSnapshotFile(g, *out); err != nil {
		return err
	}
	p, tm := g.Len()
	fmt.Fprintf(stdout, "%d persons, %d templates generated in %.1f s, snapshot %s written in %.1f s\n",
		p, tm, gen.Seconds(), *out, (time.Since(t0) - gen).Seconds())
	return nil
}

// synthID is the subject id of synthetic person i.
func synthID(i int) string { return fmt.Sprintf("synth-%08d", i) }

// synthGallery generates persons 0..n-1 on all cores, reporting progress to progress
// every progressEvery.
func synthGallery(ctx context.Context, n int, seed uint64, progress io.Writer) (*gallery.Gallery, error) {
	g := gallery.New(gallery.Options{})
	var next atomic.Int64
	var wg sync.WaitGroup
	stop := reportProgress(progress, "synth gallery", n, &next)
	defer stop()
	errs := make(chan error, runtime.GOMAXPROCS(0))
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				p := gallery.Person{SubjectID: synthID(i)}
				for f, t := range synth.Person(synth.Options{}, seed, i, 0) {
					p.Fingers[f+1] = matcher.Pack(t)
				}
				if err := g.Put(&p); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := errors.Join(<-errs, ctx.Err()); err != nil {
		return nil, err
	}
	return g, nil
}

// progressEvery is how often long commands report how far they are.
const progressEvery = 10 * time.Second

// reportProgress prints "what: done of total persons (P %), about T left" every
// progressEvery until the returned stop is called.
func reportProgress(w io.Writer, what string, total int, done *atomic.Int64) (stop func()) {
	t0 := time.Now()
	tick := time.NewTicker(progressEvery)
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				d := min(int(done.Load()), total)
				left := "unknown"
				if d > 0 {
					left = (time.Duration(float64(time.Since(t0)) * float64(total-d) / float64(d))).Round(time.Second).String()
				}
				fmt.Fprintf(w, "%s: %d of %d persons (%.0f %%), about %s left\n", what, d, total, 100*float64(d)/float64(total), left)
			}
		}
	}()
	return func() { tick.Stop(); close(quit); <-exited }
}

// writeSnapshotFile writes a snapshot atomically (temporary file, then rename), mode 0600:
// it holds biometric templates.
func writeSnapshotFile(g *gallery.Gallery, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gallery-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := g.WriteSnapshot(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// loadSnapshotFile loads a gallery snapshot (mapped, see gallery.OpenSnapshotFile) and
// reports how long it took.
func loadSnapshotFile(path string) (*gallery.Gallery, time.Duration, error) {
	t0 := time.Now()
	g, err := gallery.OpenSnapshotFile(path, gallery.Options{})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return g, time.Since(t0), nil
}
