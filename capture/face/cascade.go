package face

import (
	_ "embed" // cascade files
	"fmt"

	pigo "github.com/esimov/pigo/core"
)

var (
	//go:embed cascade/facefinder
	faceFinderCascade []byte
	//go:embed cascade/puploc
	puplocCascade []byte
	//go:embed cascade/lp84
	mouthCornerCascade []byte
	//go:embed cascade/lp93
	mouthCascade []byte
)

// cascades are the unpacked classifiers; they are read-only after loading and safe to share.
type cascades struct {
	face   *pigo.Pigo
	pupil  *pigo.PuplocCascade
	corner *pigo.PuplocCascade
	mouth  *pigo.PuplocCascade
}

func loadCascades() (*cascades, error) {
	var c cascades
	var err error
	if c.face, err = pigo.NewPigo().Unpack(faceFinderCascade); err != nil {
		return nil, fmt.Errorf("face: facefinder cascade: %w", err)
	}
	if c.pupil, err = pigo.NewPuplocCascade().UnpackCascade(puplocCascade); err != nil {
		return nil, fmt.Errorf("face: puploc cascade: %w", err)
	}
	if c.corner, err = pigo.NewPuplocCascade().UnpackCascade(mouthCornerCascade); err != nil {
		return nil, fmt.Errorf("face: lp84 cascade: %w", err)
	}
	if c.mouth, err = pigo.NewPuplocCascade().UnpackCascade(mouthCascade); err != nil {
		return nil, fmt.Errorf("face: lp93 cascade: %w", err)
	}
	return &c, nil
}
