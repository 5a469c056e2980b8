package sync

import (
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/sync/outbox"
)

// Limits are the offline limits: past any of them the station refuses new enrollments until
// it has synced (in the manner of the MOSIP registration client).
type Limits struct {
	MaxUnsent    int           // unsent packets, default 1000
	MaxUnsentAge time.Duration // age of the oldest unsent packet, default 7 days
}

func (l *Limits) setDefaults() {
	if l.MaxUnsent <= 0 {
		l.MaxUnsent = 1000
	}
	if l.MaxUnsentAge <= 0 {
		l.MaxUnsentAge = 7 * 24 * time.Hour
	}
}

// Reason names why enrollments are refused ("" when they are not).
type Reason string

// Refusal reasons (also the values of the offline-limit metric's label).
const (
	ReasonNone        Reason = ""
	ReasonUnsentCount Reason = "unsent_count"
	ReasonUnsentAge   Reason = "unsent_age"
	ReasonDiskSpace   Reason = "disk_space"
	ReasonStorage     Reason = "storage_failed"
)

// Reasons lists every refusal reason.
var Reasons = []Reason{ReasonUnsentCount, ReasonUnsentAge, ReasonDiskSpace, ReasonStorage}

// Refusal says whether, and why, enrollments are refused now.
type Refusal struct {
	Reason Reason
	Detail string // for a technician: the numbers behind the reason
}

// Refused reports whether enrollments are refused.
func (r Refusal) Refused() bool { return r.Reason != ReasonNone }

func (r Refusal) String() string {
	if !r.Refused() {
		return "accepting enrollments"
	}
	return string(r.Reason) + ": " + r.Detail
}

// Refusal evaluates the offline limits now.
func (st *Station) Refusal() Refusal {
	if err := st.store.Err(); err != nil {
		return Refusal{ReasonStorage, err.Error()}
	}
	if err := st.store.CheckSpace(st.lastSize.Load()); err != nil { // room for one more like the last
		if errors.Is(err, outbox.ErrLowSpace) {
			return Refusal{ReasonDiskSpace, err.Error()}
		}
		return Refusal{ReasonStorage, err.Error()}
	}
	s, err := st.store.Stats()
	if err != nil {
		return Refusal{ReasonStorage, err.Error()}
	}
	l := st.opt.Limits
	if s.Unsent >= l.MaxUnsent {
		return Refusal{ReasonUnsentCount, fmt.Sprintf("%d packets unsent, limit %d", s.Unsent, l.MaxUnsent)}
	}
	if !s.OldestUnsent.IsZero() && time.Since(s.OldestUnsent) > l.MaxUnsentAge {
		return Refusal{ReasonUnsentAge, fmt.Sprintf("oldest unsent packet is %v old, limit %v",
			time.Since(s.OldestUnsent).Round(time.Minute), l.MaxUnsentAge)}
	}
	return Refusal{}
}

// Ready reports whether the station accepts enrollments (storage open and no limit reached).
func (st *Station) Ready() bool { return !st.Refusal().Refused() }
