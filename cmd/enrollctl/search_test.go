package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/enrolld/enrolld/matcher"
	"github.com/enrolld/enrolld/matcher/synth"
)

func TestSynthBenchSearchEval(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "g.snap")
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := runSynth(ctx, []string{"gallery", "--persons", "40", "--seed", "3", "--out", snap}, &out, &errb); err != nil {
		t.Fatalf("synth: %v %s", err, errb.String())
	}
	if st, err := os.Stat(snap); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot %v %v", st, err)
	}
	out.Reset()
	if err := runBench(ctx, []string{"search", "--gallery", snap, "--probes", "3", "--probe-fingers", "2", "--seed", "3", "--json"}, &out, &errb); err != nil {
		t.Fatalf("bench: %v %s", err, errb.String())
	}
	var b map[string]float64
	if err := json.Unmarshal(out.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"persons", "p50_ms", "p99_ms", "searches_per_second", "stage1_ms_median", "stage2_ms_median", "gallery_bytes", "load_seconds"} {
		if _, ok := b[k]; !ok {
			t.Errorf("bench JSON lacks %s", k)
		}
	}
	if b["persons"] != 40 || b["rank1_percent"] != 100 {
		t.Errorf("bench: %v", b)
	}
	// an FVC-style folder of synthetic persons 1000+: four impressions of finger 1
	fvc := filepath.Join(dir, "fvc")
	os.Mkdir(fvc, 0o700)
	for f := range 4 {
		for k := 1; k <= 3; k++ {
			tp := synth.NewFinger(synth.Options{}, 9, 1000+f, 1).Impression(9, 1000+f, 1, k, 2)
			rec, _ := matcher.EncodeISO(tp)
			os.WriteFile(filepath.Join(fvc, fmt.Sprintf("%d_%d.iso", 101+f, k)), rec, 0o600)
		}
	}
	out.Reset()
	if err := runEvalSearch(ctx, []string{"--gallery", snap, "--mates", fvc, "--json", "--brute", "all"}, &out, &errb); err != nil {
		t.Fatalf("eval search: %v %s", err, errb.String())
	}
	var e map[string]float64
	if err := json.Unmarshal(out.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	// the two-stage search must rank exactly as brute force does (whether a hard synthetic
	// mate is first is the comparator's business, not this command's)
	if e["mated_searches"] != 4 || e["nonmated_searches"] != 6 || e["rank1_percent"] != e["brute_rank1_percent"] ||
		e["rank1_percent"] < 50 || e["stage1_recall_percent"] != 100 || e["brute_searches"] != 4 {
		t.Errorf("eval search: %v", e)
	}
	for _, k := range []string{"fnir_percent", "fpir_percent"} {
		if _, ok := e[k]; !ok {
			t.Errorf("eval JSON lacks %s", k)
		}
	}
	out.Reset()
	var args []string
	for _, pos := range []int{2, 7} {
		tp := synth.NewFinger(synth.Options{}, 3, 5, pos-1).Impression(3, 5, pos-1, 1, 0)
		rec, _ := matcher.EncodeISO(tp)
		path := filepath.Join(dir, fmt.Sprintf("probe%d.iso", pos))
		os.WriteFile(path, rec, 0o600)
		args = append(args, fmt.Sprintf("%s@%d", path, pos))
	}
	if err := runSearch(ctx, append([]string{"--gallery", snap}, args...), &out, &errb); err != nil {
		t.Fatalf("search: %v", err)
	}
	if !bytes.Contains(out.Bytes(), []byte(" 1  synth-00000005")) {
		t.Errorf("search output lacks the enrolled mate? %s", out.String())
	}
}
