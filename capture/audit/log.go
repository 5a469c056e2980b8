package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	stdsync "sync"

	"github.com/enrolld/enrolld/capture/enroll"
)

// Log is an open audit log. It is safe for concurrent use.
type Log struct {
	mu   stdsync.Mutex
	f    *os.File
	path string
	head Head
}

// Open opens (or creates, mode 0600) the log at path, verifies the whole chain and checks
// it against the side file path+".head". A torn last line is cut off.
func Open(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	l := &Log{f: f, path: path}
	if err := l.load(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

func (l *Log) load() error {
	data, err := io.ReadAll(l.f)
	if err != nil {
		return fmt.Errorf("audit: read %s: %w", l.path, err)
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) { // torn last line
		if err := l.f.Truncate(int64(i + 1)); err != nil {
			return fmt.Errorf("audit: cut torn line: %w", err)
		}
		data = data[:i+1]
	}
	head, _, err := Verify(bytes.NewReader(data), nil)
	if err != nil {
		return fmt.Errorf("audit: %s: %w", l.path, err)
	}
	if want, err := ReadHead(l.path + ".head"); err == nil && want.Seq > head.Seq {
		return fmt.Errorf("audit: %s: %w: the log ends at %d but the head file says %d (entries were cut off)", l.path, ErrTampered, head.Seq, want.Seq)
	}
	l.head = head
	_, err = l.f.Seek(0, io.SeekEnd)
	return err
}

// Verify reads a whole log and checks its chain; when want is not nil the chain must end
// at that head. It returns the head and the number of entries.
func Verify(r io.Reader, want *Head) (Head, int, error) {
	var v Verifier
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		if _, err := v.Next(sc.Bytes()); err != nil {
			return v.Head(), n, err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return v.Head(), n, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if want != nil && (want.Seq != v.Head().Seq || want.Hash != v.Head().Hash) {
		return v.Head(), n, fmt.Errorf("%w: the log ends at %d %.12s…, the recorded head is %d %.12s…", ErrTampered, v.Head().Seq, v.Head().Hash, want.Seq, want.Hash)
	}
	return v.Head(), n, nil
}

// ReadHead reads a head side file.
func ReadHead(path string) (Head, error) {
	var h Head
	b, err := os.ReadFile(path)
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("%w: head file %s: %v", ErrFormat, path, err)
	}
	return h, nil
}

// Append seals e after the current head, writes it and syncs the file, then updates the
// head file. The entry's Seq, Prev and Hash are filled in.
func (l *Log) Append(e *Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fmt.Errorf("audit: log closed")
	}
	e.Time = e.Time.UTC()
	e.seal(l.head)
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := l.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("audit: write: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit: sync: %w", err)
	}
	l.head = Head{e.Seq, e.Hash}
	return writeHead(l.path+".head", l.head)
}

func writeHead(path string, h Head) error {
	b, _ := json.Marshal(h)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	if _, err = f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Head returns the current head (sent with each sync).
func (l *Log) Head() Head {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}

// Record appends an enrollment workflow event (it makes *Log an enroll.Auditor).
func (l *Log) Record(ctx context.Context, ev enroll.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return l.Append(&Entry{Time: ev.Time, Actor: ev.Actor, Role: string(ev.Role), Action: ev.Action, Case: ev.Case,
		Justification: ev.Justification, Detail: ev.Detail})
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
