package extract

import (
	"sort"

	"github.com/enrolld/enrolld/matcher"
)

// Quality is a finger-image quality assessment in the spirit of NFIQ 2 (ISO/IEC 29794-4).
type Quality struct {
	// Score is the overall quality 0 (unusable) … 100 (excellent).
	Score uint8
}

// quality rates the image of st.
func (st *state) quality() Quality {
	return Quality{}
}

func sortByQuality(ms []matcher.Minutia) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Quality > ms[j].Quality })
}
