package gallery

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enrolld/enrolld/matcher"
)

// Errors of the gallery.
var (
	// ErrPosition means a finger position outside 1–10 was given for an enrolled finger.
	ErrPosition = errors.New("gallery: finger position outside 1–10")
	// ErrSubject means an empty or over-long subject id.
	ErrSubject = errors.New("gallery: invalid subject id")
	// ErrNoFingers means a person or probe without any usable finger.
	ErrNoFingers = errors.New("gallery: no fingers")
)

// Fingers is the number of finger positions of a person (ISO positions 1–10).
const Fingers = 10

// MaxSubjectLen is the longest subject id accepted, in bytes.
const MaxSubjectLen = 255

// noTemplate marks a finger position without a template in shardView.offs.
const noTemplate = ^uint32(0)

// Gallery is the searchable set of enrolled persons. Persons are spread over shards by a
// hash of their subject id. Each shard publishes an immutable view through an atomic
// pointer: a writer appends the new person at the end of the shard's arrays (beyond what
// any published view covers), marks the replaced slot dead in a copy of the tombstone
// bitmap and swaps the pointer. Searches read whatever view they loaded, so they never see
// a half-written person, and a change costs one shard's bitmap copy, not a rebuild. A shard
// whose dead slots outnumber a quarter of its live ones is compacted by its writer.
// A Gallery is safe for concurrent use.
type Gallery struct {
	shards  []shard
	opts    Options
	metrics *metrics
	loaded  atomic.Int64 // unix nanoseconds of the last snapshot load or save
}

// Options configure a gallery. The zero value uses the defaults.
type Options struct {
	// Shards is the number of shards (0: 256). More shards mean smaller copies per change
	// and finer parallel work.
	Shards int
	// FMR maps a finger comparison score to its false-match rate (nil: DefaultFMR).
	FMR func(score float64) float64
}

// shard is one partition: its published view and the writer's lock and index.
type shard struct {
	mu    sync.Mutex
	view  atomic.Pointer[shardView]
	index map[string]int32 // subject id → live slot; guarded by mu
}

// shardView is an immutable snapshot of a shard. Slots [0, n) are published; the arrays
// may have capacity beyond n that a writer is filling.
type shardView struct {
	n     int
	ids   []string
	codes []uint64 // per slot Fingers×CodeWords, person-major
	ones  []uint16 // per slot and finger: set bits of the code (0: no finger)
	offs  []uint32 // per slot and finger: offset of the Packed template in arena
	arena []byte
	dead  []uint64 // tombstones, one bit per slot
	live  int
	tmpls int // live templates
}

// New returns an empty gallery.
func New(o Options) *Gallery {
	if o.Shards <= 0 {
		o.Shards = 256
	}
	if o.FMR == nil {
		o.FMR = DefaultFMR
	}
	g := &Gallery{shards: make([]shard, o.Shards), opts: o}
	for i := range g.shards {
		g.shards[i].index = map[string]int32{}
		g.shards[i].view.Store(&shardView{})
	}
	g.metrics = newMetrics(g)
	return g
}

// Person is one enrolled person as given to Put: Packed templates by position 1–10
// (index 0 unused; nil for a finger without template).
type Person struct {
	SubjectID string
	Fingers   [Fingers + 1]matcher.Packed
}

// prepared is a person with its codes computed, ready to append to a shard.
type prepared struct {
	id    string
	codes [Fingers]Code
	ones  [Fingers]uint16
	tpl   [Fingers]matcher.Packed
}

// prepare validates a person and computes its stage-1 codes.
func prepare(p *Person) (*prepared, error) {
	if p.SubjectID == "" || len(p.SubjectID) > MaxSubjectLen {
		return nil, fmt.Errorf("%w: %d bytes", ErrSubject, len(p.SubjectID))
	}
	if p.Fingers[0] != nil {
		return nil, fmt.Errorf("%w: position 0 for subject templates", ErrPosition)
	}
	pp := &prepared{id: p.SubjectID}
	n := 0
	for pos := 1; pos <= Fingers; pos++ {
		pk := p.Fingers[pos]
		if pk == nil {
			continue
		}
		if pk.Len() < 0 {
			return nil, fmt.Errorf("gallery: position %d: %w", pos, matcher.ErrFormat)
		}
		pp.tpl[pos-1] = pk
		pp.codes[pos-1] = NewCode(pk)
		pp.ones[pos-1] = uint16(max(pp.codes[pos-1].Ones(), 1)) // 1 marks a finger present
		n++
	}
	if n == 0 {
		return nil, ErrNoFingers
	}
	return pp, nil
}

// Put adds a person or replaces the person with the same subject id.
func (g *Gallery) Put(p *Person) error {
	pp, err := prepare(p)
	if err != nil {
		return err
	}
	s := g.shardOf(pp.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publish(s.view.Load().with(pp, s.index))
	return nil
}

// Remove removes a person; removing an unknown subject is not an error. It reports whether
// the person was present.
func (g *Gallery) Remove(subjectID string) bool {
	s := g.shardOf(subjectID)
	s.mu.Lock()
	defer s.mu.Unlock()
	slot, ok := s.index[subjectID]
	if !ok {
		return false
	}
	delete(s.index, subjectID)
	s.publish(s.view.Load().without(int(slot)))
	return true
}

// publish stores a new view, compacting it first when it carries too many dead slots.
func (s *shard) publish(v *shardView) {
	if dead := v.n - v.live; dead > 64 && dead > v.live/4 {
		v = v.compact(s.index)
	}
	s.view.Store(v)
}

// shardOf returns the shard that holds a subject id.
func (g *Gallery) shardOf(id string) *shard {
	return &g.shards[shardIndex(id, len(g.shards))]
}

// shardIndex maps a subject id to a shard with FNV-1a, stable across processes so a
// snapshot's shards stay valid.
func shardIndex(id string, shards int) int {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h = (h ^ uint64(id[i])) * 1099511628211
	}
	return int(h % uint64(shards))
}

// Len returns the number of persons and of templates in the gallery.
func (g *Gallery) Len() (persons, templates int) {
	for i := range g.shards {
		v := g.shards[i].view.Load()
		persons += v.live
		templates += v.tmpls
	}
	return persons, templates
}

// Bytes returns the memory held by the gallery's arrays (capacity, including dead slots).
func (g *Gallery) Bytes() int64 {
	var b int64
	for i := range g.shards {
		v := g.shards[i].view.Load()
		b += int64(cap(v.codes))*8 + int64(cap(v.ones))*2 + int64(cap(v.offs))*4 +
			int64(cap(v.arena)) + int64(cap(v.dead))*8 + int64(cap(v.ids))*16
		for _, id := range v.ids[:v.n] {
			b += int64(len(id))
		}
	}
	return b
}

// SnapshotTime returns when the gallery was last loaded from or saved to a snapshot (zero
// if never).
func (g *Gallery) SnapshotTime() time.Time {
	ns := g.loaded.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Get returns the Packed templates of a person by position (index 0 unused).
func (g *Gallery) Get(subjectID string) (Person, bool) {
	s := g.shardOf(subjectID)
	s.mu.Lock()
	slot, ok := s.index[subjectID]
	v := s.view.Load()
	s.mu.Unlock()
	if !ok {
		return Person{}, false
	}
	p := Person{SubjectID: subjectID}
	for f := range Fingers {
		p.Fingers[f+1] = v.template(int(slot), f)
	}
	return p, true
}
