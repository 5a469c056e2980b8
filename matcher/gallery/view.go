package gallery

import (
	"github.com/enrolld/enrolld/matcher"
)

// with returns a view with person pp appended (and its previous slot, if any, marked dead),
// updating the writer's index. The receiver is not modified: new data goes beyond its n.
func (v *shardView) with(pp *prepared, index map[string]int32) *shardView {
	nv := *v
	slot := nv.n
	nv.ids = append(nv.ids[:slot], pp.id)
	for f := range Fingers {
		nv.codes = append(nv.codes[:(slot*Fingers+f)*CodeWords], pp.codes[f][:]...)
	}
	nv.ones = append(nv.ones[:slot*Fingers], pp.ones[:]...)
	nv.offs = nv.offs[:slot*Fingers]
	nv.arena = nv.arena[:len(v.arena)]
	for f := range Fingers {
		if pp.tpl[f] == nil {
			nv.offs = append(nv.offs, noTemplate)
			continue
		}
		nv.offs = append(nv.offs, uint32(len(nv.arena)))
		nv.arena = append(nv.arena, pp.tpl[f]...)
		nv.tmpls++
	}
	nv.n++
	nv.live++
	words := (nv.n + 63) / 64
	if old, ok := index[pp.id]; ok {
		nv.dead = append(make([]uint64, 0, words), v.dead...)
		nv.markDead(int(old))
	}
	for len(nv.dead) < words {
		nv.dead = append(nv.dead[:len(nv.dead):len(nv.dead)], 0)
	}
	index[pp.id] = int32(slot)
	return &nv
}

// without returns a view with slot marked dead.
func (v *shardView) without(slot int) *shardView {
	nv := *v
	nv.dead = append([]uint64(nil), v.dead...)
	nv.markDead(slot)
	return &nv
}

// markDead sets the tombstone of slot and updates the live counts; nv.dead must be a private copy.
func (nv *shardView) markDead(slot int) {
	nv.dead[slot/64] |= 1 << (slot % 64)
	nv.live--
	for f := range Fingers {
		if nv.offs[slot*Fingers+f] != noTemplate {
			nv.tmpls--
		}
	}
}

// isDead reports whether slot holds a removed or replaced person.
func (v *shardView) isDead(slot int) bool { return v.dead[slot/64]>>(slot%64)&1 != 0 }

// template returns the Packed template of slot and finger index f (position f+1), or nil.
func (v *shardView) template(slot, f int) matcher.Packed {
	off := v.offs[slot*Fingers+f]
	if off == noTemplate {
		return nil
	}
	n := int(v.arena[off])
	return matcher.Packed(v.arena[off : int(off)+1+matcher.PackedMinutiaBytes*n : int(off)+1+matcher.PackedMinutiaBytes*n])
}

// compact returns a fresh view holding only the live slots, rewriting the index.
func (v *shardView) compact(index map[string]int32) *shardView {
	nv := &shardView{}
	for slot := range v.n {
		if v.isDead(slot) {
			continue
		}
		pp := &prepared{id: v.ids[slot]}
		for f := range Fingers {
			copy(pp.codes[f][:], v.codes[(slot*Fingers+f)*CodeWords:])
			pp.ones[f] = v.ones[slot*Fingers+f]
			pp.tpl[f] = v.template(slot, f)
		}
		delete(index, pp.id)
		nv = nv.with(pp, index)
	}
	return nv
}
