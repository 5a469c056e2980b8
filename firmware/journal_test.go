package firmware

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJournalChainAndTornLine(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Step{StepChecked, StepDFUMode, StepDone} {
		if err := j.Append(Entry{Update: "u1", Device: "0001:0002/S", Step: s, LowestAllowed: 0x0105}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "journal.jsonl")
	data, _ := os.ReadFile(path)
	// A torn final line (crash mid-append) is dropped.
	if err := os.WriteFile(path, append(append([]byte{}, data...), `{"time":"2026`...), 0o600); err != nil {
		t.Fatal(err)
	}
	j2, err := OpenJournal(dir)
	if err != nil || len(j2.Entries()) != 3 || j2.LowestAllowed("0001:0002/S") != 0x0105 {
		t.Fatalf("reopen after torn line: %v, %d entries", err, len(j2.Entries()))
	}
	lines := strings.SplitAfter(string(data), "\n")
	for name, bad := range map[string]string{
		"changed":   strings.Replace(string(data), `"done"`, `"failed"`, 1),
		"removed":   lines[0] + lines[2],
		"reordered": lines[1] + lines[0] + lines[2],
	} {
		_ = os.WriteFile(path, []byte(bad), 0o600)
		if _, err := OpenJournal(dir); !errors.Is(err, ErrJournalTampered) {
			t.Errorf("%s entry: err %v, want ErrJournalTampered", name, err)
		}
	}
}
