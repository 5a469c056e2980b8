package firmware

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Step names a journalled step of an update.
type Step string

// Steps in order. Done and Failed end an update.
const (
	StepChecked    Step = "checked"    // all checks passed, nothing touched yet
	StepDetached   Step = "detached"   // device asked to enter DFU mode
	StepDFUMode    Step = "dfu-mode"   // device found in DFU mode
	StepDownloaded Step = "downloaded" // payload sent and manifested
	StepVerified   Step = "verified"   // device back in run-time mode with the new version
	StepDone       Step = "done"       // lowest allowed version persisted
	StepFailed     Step = "failed"     // gave up; Detail says why and how the device was left
	StepRecovering Step = "recovering" // a restarted daemon is finishing the update
	// StepInterrupted means the device vanished mid-update (power loss, unplug); the
	// update stays open and Recover finishes it when the device is back.
	StepInterrupted Step = "interrupted"
)

// Entry is one journal line. Entries are hash-chained: Hash covers the entry with
// Prev set, so a changed, removed or reordered line is detected.
type Entry struct {
	Time          time.Time `json:"time"`
	Update        string    `json:"update"`
	Device        string    `json:"device"` // runtime vid:pid and serial, never a person
	Step          Step      `json:"step"`
	Actor         string    `json:"actor,omitempty"`
	From          Version   `json:"from"`
	To            Version   `json:"to"`
	LowestAllowed Version   `json:"lowest_allowed"`
	BundleSHA256  string    `json:"bundle_sha256,omitempty"`
	Detail        string    `json:"detail,omitempty"`
	Prev          string    `json:"prev"`
	Hash          string    `json:"hash"`
}

// Journal is an append-only, fsynced, hash-chained log of update steps in the daemon's
// state directory, with a copy of every bundle being applied so an interrupted update
// can be finished after a restart.
type Journal struct {
	mu      sync.Mutex
	dir     string
	entries []Entry
}

// ErrJournalTampered means the journal's hash chain is broken.
var ErrJournalTampered = errors.New("firmware: journal hash chain broken")

// OpenJournal opens (creating) the journal in dir. A torn last line, left by a crash
// mid-write, is dropped; any other damage is an error.
func OpenJournal(dir string) (*Journal, error) {
	if err := os.MkdirAll(filepath.Join(dir, "bundles"), 0o700); err != nil {
		return nil, fmt.Errorf("firmware: journal: %w", err)
	}
	j := &Journal{dir: dir}
	data, err := os.ReadFile(j.path())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("firmware: journal: %w", err)
	}
	j.entries, err = parseJournal(data)
	return j, err
}

func (j *Journal) path() string { return filepath.Join(j.dir, "journal.jsonl") }

func parseJournal(data []byte) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	prev := ""
	for line := 1; sc.Scan(); line++ {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			if !bytes.HasSuffix(data, []byte("\n")) && !sc.Scan() {
				break // torn final line: the crash came mid-append
			}
			return nil, fmt.Errorf("%w: line %d: %v", ErrJournalTampered, line, err)
		}
		if e.Prev != prev || e.Hash != entryHash(e) {
			return nil, fmt.Errorf("%w: line %d", ErrJournalTampered, line)
		}
		prev = e.Hash
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("firmware: journal: %w", err)
	}
	return out, nil
}

func entryHash(e Entry) string {
	e.Hash = ""
	b, _ := json.Marshal(e)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Append adds e (chaining and timestamping it) and fsyncs before returning.
func (j *Journal) Append(e Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if n := len(j.entries); n > 0 {
		e.Prev = j.entries[n-1].Hash
	}
	e.Hash = entryHash(e)
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(j.path(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("firmware: journal: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("firmware: journal: %w", err)
	}
	j.entries = append(j.entries, e)
	return nil
}

// Entries returns a copy of all entries (the audit trail).
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Entry(nil), j.entries...)
}

// LowestAllowed is the highest lowest-allowed version ever persisted for device.
func (j *Journal) LowestAllowed(device string) Version {
	j.mu.Lock()
	defer j.mu.Unlock()
	var v Version
	for _, e := range j.entries {
		if e.Device == device && e.Step == StepDone && e.LowestAllowed > v {
			v = e.LowestAllowed
		}
	}
	return v
}

// Unfinished returns the last entry of every update that has neither finished nor failed.
func (j *Journal) Unfinished() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	last := map[string]Entry{}
	var order []string
	for _, e := range j.entries {
		if _, seen := last[e.Update]; !seen {
			order = append(order, e.Update)
		}
		last[e.Update] = e
	}
	var out []Entry
	for _, id := range order {
		if s := last[id].Step; s != StepDone && s != StepFailed {
			out = append(out, last[id])
		}
	}
	return out
}

// KeepBundle stores a copy of the bundle file (temp, fsync, rename, fsync dir) and
// returns its SHA-256.
func (j *Journal) KeepBundle(raw []byte) (string, error) {
	sum := sha256.Sum256(raw)
	name := hex.EncodeToString(sum[:])
	dir := filepath.Join(j.dir, "bundles")
	if err := writeFileSync(dir, name+".bundle", raw); err != nil {
		return "", fmt.Errorf("firmware: keeping bundle: %w", err)
	}
	return name, nil
}

// Bundle reads a kept bundle back by its SHA-256.
func (j *Journal) Bundle(sha string) ([]byte, error) {
	return os.ReadFile(filepath.Join(j.dir, "bundles", filepath.Base(sha)+".bundle"))
}

func writeFileSync(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err = tmp.Write(data); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
