package outbox

import (
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
)

// Person is one subject of the cached register slice: an opaque subject id and its ISO/IEC
// 19794-2 templates keyed by finger position (1–10).
type Person struct {
	SubjectID string         `json:"subject_id"`
	Templates map[int][]byte `json:"templates"`
}

var keySliceCursor = []byte("m/slicecursor")

func personKey(subject string) []byte { return []byte("s/" + subject) }

// SliceCursor returns the cursor of the last applied register-slice batch ("" before the first).
func (s *Store) SliceCursor() (string, error) {
	var c string
	err := s.view("slice cursor", func(txn *badger.Txn) error { _, err := s.get(txn, keySliceCursor, &c); return err })
	return c, err
}

// ApplySlice applies one batch of register-slice changes and the new cursor in one
// transaction: either all of it is stored or none.
// Like an enrollment it is refused below the free-space reserve (Badger must never fill the disk).
func (s *Store) ApplySlice(cursor string, upserts []Person, deletes []string) error {
	var size int64
	for _, p := range upserts {
		for _, t := range p.Templates {
			size += 2 * int64(len(t)) // JSON base64, AEAD and LSM overhead, generously
		}
	}
	if err := s.CheckSpace(size); err != nil {
		return fmt.Errorf("outbox: apply slice batch up to %q: %w", cursor, err)
	}
	err := s.update("apply slice", func(txn *badger.Txn) error {
		for _, p := range upserts {
			if p.SubjectID == "" {
				return fmt.Errorf("outbox: slice: empty subject id")
			}
			if err := s.put(txn, personKey(p.SubjectID), p); err != nil {
				return err
			}
		}
		for _, id := range deletes {
			if err := txn.Delete(personKey(id)); err != nil {
				return err
			}
		}
		return s.put(txn, keySliceCursor, cursor)
	})
	if err != nil {
		return fmt.Errorf("outbox: apply slice batch up to %q: %w", cursor, err)
	}
	return nil
}

// SlicePersons calls fn for every cached person (to rebuild a gallery); fn returns false to stop.
func (s *Store) SlicePersons(fn func(p Person) bool) error {
	return s.view("slice scan", func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte("s/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var p Person
			k := it.Item().KeyCopy(nil)
			if err := it.Item().Value(func(v []byte) error { return s.open(k, v, &p) }); err != nil {
				return err
			}
			if !fn(p) {
				return nil
			}
		}
		return nil
	})
}
