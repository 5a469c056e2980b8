package synctest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FindSignatures lists every file under dir that holds one of sigs (name → byte pattern,
// e.g. the magic bytes of a JPEG or an ISO/IEC 19794-2 record), as "path: name signature at
// offset N"; unreadable files are listed with their error. Tests use it to prove that no
// biometric data lies on disk in plain text.
func FindSignatures(dir string, sigs map[string][]byte) []string {
	var found []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			found = append(found, err.Error())
			return nil
		}
		for name, sig := range sigs {
			if i := bytes.Index(b, sig); i >= 0 {
				found = append(found, fmt.Sprintf("%s: %s signature at offset %d", p, name, i))
			}
		}
		return nil
	})
	return found
}
