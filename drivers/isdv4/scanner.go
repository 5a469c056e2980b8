package isdv4

// FrameKind tells what a scanned packet is.
type FrameKind int

// Packet kinds the scanner returns.
const (
	FramePen FrameKind = iota + 1
	FrameQuery
)

// Frame is one complete packet found in the byte stream.
type Frame struct {
	Kind  FrameKind
	Pen   PenPacket  // when Kind == FramePen
	Query QueryReply // when Kind == FrameQuery
}

// ScanStats counts what the scanner threw away while resynchronising.
type ScanStats struct {
	Packets   int // complete packets returned
	Dropped   int // stray bytes without a packet header before them
	Truncated int // packets cut short by the next header byte
	Touch     int // touch packets skipped (this driver reads the pen only)
}

// Scanner splits a serial byte stream into packets. Every packet starts with a byte
// that has bit 0x80 set and no data byte has it, so after line noise or a lost byte the
// scanner resynchronises on the next header byte. It never fails: what it cannot use it
// counts in Stats and drops. The zero value is ready.
type Scanner struct {
	buf   []byte
	Stats ScanStats
}

// Feed appends bytes received from the line.
func (s *Scanner) Feed(b []byte) { s.buf = append(s.buf, b...) }

// Reset drops buffered bytes (after a flush of the line).
func (s *Scanner) Reset() { s.buf = s.buf[:0] }

// Next returns the next complete packet, or false when more bytes are needed.
func (s *Scanner) Next() (Frame, bool) {
	for {
		s.skipToHeader()
		if len(s.buf) == 0 {
			return Frame{}, false
		}
		h := s.buf[0]
		if h&touchBit != 0 {
			s.Stats.Touch++
			s.consume(1) // its data bytes are skipped as strays
			continue
		}
		n := PenPacketLen
		if h&queryBit != 0 {
			n = QueryReplyLen
		}
		if i := s.nextHeader(n); i > 0 {
			s.Stats.Truncated++
			s.consume(i)
			continue
		}
		if len(s.buf) < n {
			return Frame{}, false
		}
		f, ok := decodeFrame(s.buf[:n])
		s.consume(n)
		if ok {
			s.Stats.Packets++
			return f, true
		}
	}
}

func decodeFrame(b []byte) (Frame, bool) {
	if b[0]&queryBit != 0 {
		q, err := DecodeQuery(b)
		return Frame{Kind: FrameQuery, Query: q}, err == nil
	}
	p, err := DecodePen(b)
	return Frame{Kind: FramePen, Pen: p}, err == nil
}

// skipToHeader drops leading bytes without the header bit.
func (s *Scanner) skipToHeader() {
	i := 0
	for i < len(s.buf) && s.buf[i]&headerBit == 0 {
		i++
	}
	s.Stats.Dropped += i
	s.consume(i)
}

// nextHeader returns the index (1..n-1) of a header byte inside the first n bytes, or 0.
func (s *Scanner) nextHeader(n int) int {
	for i := 1; i < n && i < len(s.buf); i++ {
		if s.buf[i]&headerBit != 0 {
			return i
		}
	}
	return 0
}

func (s *Scanner) consume(n int) {
	if n == 0 {
		return
	}
	m := copy(s.buf, s.buf[n:])
	s.buf = s.buf[:m]
}
