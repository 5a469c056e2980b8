package isdv4

import (
	"errors"
	"fmt"
)

// Packet sizes and header bits.
const (
	PenPacketLen   = 9
	QueryReplyLen  = 11
	headerBit      = 0x80
	queryBit       = 0x40
	proximityBit   = 0x20
	touchBit       = 0x10
	side2Bit       = 0x04
	side1Bit       = 0x02
	tipBit         = 0x01
	maxCoordinate  = 1<<16 - 1 // 7+7+2 bits
	maxPressureVal = 1<<10 - 1 // 3+7 bits
)

// Commands, one ASCII byte each.
const (
	CmdStop       = '0'
	CmdStart      = '1'
	CmdQuery      = '*'
	CmdTouchQuery = '%'
	CmdReset      = '&'
)

// Codec errors.
var (
	// ErrShort means fewer bytes than the packet needs.
	ErrShort = errors.New("isdv4: packet too short")
	// ErrHeader means the first byte lacks the 0x80 header bit or has the wrong kind bits.
	ErrHeader = errors.New("isdv4: bad packet header")
	// ErrData means a data byte has the 0x80 bit set (the packet was cut by another one).
	ErrData = errors.New("isdv4: header bit in data byte")
	// ErrRange means a value does not fit its field.
	ErrRange = errors.New("isdv4: value out of range")
)

// PenPacket is one decoded 9-byte pen report.
type PenPacket struct {
	X, Y         int // device units (100 per mm)
	Pressure     int // 0..1023
	Proximity    bool
	Tip          bool
	Side1, Side2 bool // side buttons; Side2 is the eraser on some pens
	TiltX, TiltY int  // 0..127
}

// QueryReply is the 11-byte answer to the '*' query: the sensor's ranges and firmware.
type QueryReply struct {
	MaxX, MaxY  int
	MaxPressure int
	MaxTiltX    int
	MaxTiltY    int
	Version     int
}

// DecodePen decodes a 9-byte pen packet.
func DecodePen(b []byte) (PenPacket, error) {
	if err := checkFrame(b, PenPacketLen); err != nil {
		return PenPacket{}, err
	}
	if b[0]&(queryBit|touchBit) != 0 {
		return PenPacket{}, fmt.Errorf("%w: %#02x is not a pen packet", ErrHeader, b[0])
	}
	x, y, p := unpackXYP(b)
	return PenPacket{
		X: x, Y: y, Pressure: p,
		Proximity: b[0]&proximityBit != 0,
		Tip:       b[0]&tipBit != 0,
		Side1:     b[0]&side1Bit != 0,
		Side2:     b[0]&side2Bit != 0,
		TiltX:     int(b[7]),
		TiltY:     int(b[8]),
	}, nil
}

// EncodePen encodes p into a 9-byte pen packet (the emulator's side of DecodePen).
func EncodePen(p PenPacket) ([PenPacketLen]byte, error) {
	var b [PenPacketLen]byte
	if err := packXYP(b[:], p.X, p.Y, p.Pressure); err != nil {
		return b, err
	}
	if p.TiltX < 0 || p.TiltX > 127 || p.TiltY < 0 || p.TiltY > 127 {
		return b, fmt.Errorf("%w: tilt %d,%d", ErrRange, p.TiltX, p.TiltY)
	}
	b[0] = headerBit
	b[0] |= bit(p.Proximity, proximityBit) | bit(p.Tip, tipBit) | bit(p.Side1, side1Bit) | bit(p.Side2, side2Bit)
	b[7], b[8] = byte(p.TiltX), byte(p.TiltY)
	return b, nil
}

// DecodeQuery decodes an 11-byte query reply.
func DecodeQuery(b []byte) (QueryReply, error) {
	if err := checkFrame(b, QueryReplyLen); err != nil {
		return QueryReply{}, err
	}
	if b[0]&queryBit == 0 || b[0]&touchBit != 0 {
		return QueryReply{}, fmt.Errorf("%w: %#02x is not a pen query reply", ErrHeader, b[0])
	}
	x, y, p := unpackXYP(b)
	return QueryReply{
		MaxX: x, MaxY: y, MaxPressure: p,
		MaxTiltY: int(b[7]), MaxTiltX: int(b[8]),
		Version: int(b[9])<<7 | int(b[10]),
	}, nil
}

// EncodeQuery encodes q into an 11-byte query reply.
func EncodeQuery(q QueryReply) ([QueryReplyLen]byte, error) {
	var b [QueryReplyLen]byte
	if err := packXYP(b[:], q.MaxX, q.MaxY, q.MaxPressure); err != nil {
		return b, err
	}
	if q.MaxTiltX < 0 || q.MaxTiltX > 127 || q.MaxTiltY < 0 || q.MaxTiltY > 127 || q.Version < 0 || q.Version > 1<<14-1 {
		return b, fmt.Errorf("%w: tilt %d,%d version %d", ErrRange, q.MaxTiltX, q.MaxTiltY, q.Version)
	}
	b[0] = headerBit | queryBit
	b[7], b[8] = byte(q.MaxTiltY), byte(q.MaxTiltX)
	b[9], b[10] = byte(q.Version>>7), byte(q.Version&0x7f)
	return b, nil
}

func checkFrame(b []byte, n int) error {
	if len(b) < n {
		return fmt.Errorf("%w: %d of %d bytes", ErrShort, len(b), n)
	}
	if b[0]&headerBit == 0 {
		return fmt.Errorf("%w: first byte %#02x", ErrHeader, b[0])
	}
	for i := 1; i < n; i++ {
		if b[i]&headerBit != 0 {
			return fmt.Errorf("%w: byte %d is %#02x", ErrData, i, b[i])
		}
	}
	return nil
}

// unpackXYP reads the x, y and pressure fields shared by pen packets and query replies.
func unpackXYP(b []byte) (x, y, p int) {
	x = int(b[1])<<9 | int(b[2])<<2 | int(b[6]>>5)&3
	y = int(b[3])<<9 | int(b[4])<<2 | int(b[6]>>3)&3
	p = int(b[6]&7)<<7 | int(b[5])
	return x, y, p
}

func packXYP(b []byte, x, y, p int) error {
	if x < 0 || x > maxCoordinate || y < 0 || y > maxCoordinate || p < 0 || p > maxPressureVal {
		return fmt.Errorf("%w: x %d y %d pressure %d", ErrRange, x, y, p)
	}
	b[1], b[2] = byte(x>>9), byte(x>>2&0x7f)
	b[3], b[4] = byte(y>>9), byte(y>>2&0x7f)
	b[5] = byte(p & 0x7f)
	b[6] = byte(x&3)<<5 | byte(y&3)<<3 | byte(p>>7)
	return nil
}

func bit(on bool, b byte) byte {
	if on {
		return b
	}
	return 0
}
