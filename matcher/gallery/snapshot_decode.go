package gallery

import (
	"encoding/binary"
	"fmt"

	"github.com/enrolld/enrolld/matcher"
)

// decodeSection turns a checked section payload into a view, validating every field a
// search relies on (so a snapshot that passes its checksums but was written wrongly still
// cannot make a search read out of bounds).
func decodeSection(buf, arena []byte, n, idBytes int) (*shardView, error) {
	v := &shardView{n: n, live: n}
	v.codes = make([]uint64, n*Fingers*CodeWords)
	for i := range v.codes {
		v.codes[i] = binary.LittleEndian.Uint64(buf[8*i:])
	}
	buf = buf[8*len(v.codes):]
	v.ones = make([]uint16, n*Fingers)
	for i := range v.ones {
		v.ones[i] = binary.LittleEndian.Uint16(buf[2*i:])
		if v.ones[i] > CodeBits {
			return nil, fmt.Errorf("person %d: code density %d", i/Fingers, v.ones[i])
		}
	}
	buf = buf[2*len(v.ones):]
	v.offs = make([]uint32, n*Fingers)
	for i := range v.offs {
		v.offs[i] = binary.LittleEndian.Uint32(buf[4*i:])
	}
	buf = buf[4*len(v.offs):]
	ends := buf[:4*n]
	idBuf := string(buf[4*n : 4*n+idBytes])
	v.arena = arena
	v.ids = make([]string, n)
	start := 0
	for i := range n {
		end := int(binary.LittleEndian.Uint32(ends[4*i:]))
		if end <= start || end > idBytes || end-start > MaxSubjectLen {
			return nil, fmt.Errorf("person %d: subject id bounds %d–%d", i, start, end)
		}
		v.ids[i] = idBuf[start:end]
		start = end
	}
	for slot := range n {
		fingers := 0
		for f := range Fingers {
			off := v.offs[slot*Fingers+f]
			if off == noTemplate {
				if v.ones[slot*Fingers+f] != 0 {
					return nil, fmt.Errorf("person %d finger %d: code without template", slot, f+1)
				}
				continue
			}
			if uint64(off) >= uint64(len(v.arena)) {
				return nil, fmt.Errorf("person %d finger %d: template offset %d beyond arena", slot, f+1, off)
			}
			end := uint64(off) + 1 + matcher.PackedMinutiaBytes*uint64(v.arena[off])
			if end > uint64(len(v.arena)) || v.ones[slot*Fingers+f] == 0 {
				return nil, fmt.Errorf("person %d finger %d: template overruns arena or lacks code", slot, f+1)
			}
			fingers++
		}
		if fingers == 0 {
			return nil, fmt.Errorf("person %d: no fingers", slot)
		}
		v.tmpls += fingers
	}
	v.dead = make([]uint64, (n+63)/64)
	return v, nil
}
