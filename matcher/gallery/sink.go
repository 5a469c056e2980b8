package gallery

import (
	"fmt"

	"github.com/enrolld/enrolld/matcher"
)

// The sync layer feeds register-slice changes into the gallery through its GallerySink
// interface (package sync): Upsert(subjectID, ISO/IEC 19794-2 records by finger position)
// and Delete(subjectID). *Gallery satisfies it structurally, so this package does not
// depend on sync. Both are idempotent: applying the same change twice leaves the same
// gallery.

// Upsert adds or replaces a person from ISO/IEC 19794-2 finger-minutiae records keyed by
// finger position 1–10. A record's first view with minutiae is used. A record that does not
// decode fails the whole person with an error naming its position; the gallery keeps the
// previous version of the person.
func (g *Gallery) Upsert(subjectID string, templates map[int][]byte) error {
	p := Person{SubjectID: subjectID}
	for pos, rec := range templates {
		if pos < 1 || pos > Fingers {
			return fmt.Errorf("%w: %d for subject templates", ErrPosition, pos)
		}
		views, err := matcher.DecodeISO(rec)
		if err != nil {
			return fmt.Errorf("gallery: position %d: %w", pos, err)
		}
		for i := range views {
			if len(views[i].Minutiae) > 0 {
				p.Fingers[pos] = matcher.Pack(&views[i])
				break
			}
		}
	}
	return g.Put(&p)
}

// Delete removes a person; a subject that is not in the gallery is not an error.
func (g *Gallery) Delete(subjectID string) error {
	g.Remove(subjectID)
	return nil
}
