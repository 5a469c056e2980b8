package ptp

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderLen is the size of a container header.
const HeaderLen = 12

// MaxParams is the most parameters a command, response or event carries.
const MaxParams = 5

// ErrMalformed means bytes from the camera are not a valid container or dataset.
var ErrMalformed = errors.New("ptp: malformed")

// Container is one PTP container.
type Container struct {
	Type    ContainerType // command, data, response or event
	Code    uint16        // operation, response or event code
	TID     uint32        // transaction id the container belongs to
	Payload []byte        // parameters or data phase bytes after the header
}

// Marshal encodes the container with its header.
func (c Container) Marshal() []byte {
	b := make([]byte, HeaderLen+len(c.Payload))
	binary.LittleEndian.PutUint32(b[0:], uint32(len(b)))
	binary.LittleEndian.PutUint16(b[4:], uint16(c.Type))
	binary.LittleEndian.PutUint16(b[6:], c.Code)
	binary.LittleEndian.PutUint32(b[8:], c.TID)
	copy(b[HeaderLen:], c.Payload)
	return b
}

// NewParamContainer builds a command, response or event container from parameters.
func NewParamContainer(t ContainerType, code uint16, tid uint32, params ...uint32) Container {
	p := make([]byte, 4*len(params))
	for i, v := range params {
		binary.LittleEndian.PutUint32(p[4*i:], v)
	}
	return Container{Type: t, Code: code, TID: tid, Payload: p}
}

// Header is a decoded container header.
type Header struct {
	Length uint32        // whole container length in bytes, header included
	Type   ContainerType // command, data, response or event
	Code   uint16        // operation, response or event code
	TID    uint32        // transaction id
}

// ParseHeader decodes and checks the first 12 bytes of a container.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("%w container: %d bytes, header needs %d", ErrMalformed, len(b), HeaderLen)
	}
	h := Header{
		Length: binary.LittleEndian.Uint32(b[0:]),
		Type:   ContainerType(binary.LittleEndian.Uint16(b[4:])),
		Code:   binary.LittleEndian.Uint16(b[6:]),
		TID:    binary.LittleEndian.Uint32(b[8:]),
	}
	if h.Length < HeaderLen {
		return h, fmt.Errorf("%w container: length field %d is shorter than the header", ErrMalformed, h.Length)
	}
	if h.Type < TypeCommand || h.Type > TypeEvent {
		return h, fmt.Errorf("%w container: type %d", ErrMalformed, h.Type)
	}
	if h.Type != TypeData && (h.Length-HeaderLen)%4 != 0 || h.Type != TypeData && h.Length > HeaderLen+4*MaxParams {
		return h, fmt.Errorf("%w container: %v of %d bytes cannot hold u32 parameters", ErrMalformed, h.Type, h.Length)
	}
	return h, nil
}

// ParseContainer decodes a whole container; b must be exactly as long as its length field.
func ParseContainer(b []byte) (Container, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return Container{}, err
	}
	if int64(h.Length) != int64(len(b)) {
		return Container{}, fmt.Errorf("%w container: length field %d, %d bytes received", ErrMalformed, h.Length, len(b))
	}
	return Container{Type: h.Type, Code: h.Code, TID: h.TID, Payload: b[HeaderLen:]}, nil
}

// Params decodes a command, response or event payload as u32 parameters.
func (c Container) Params() ([]uint32, error) {
	if len(c.Payload)%4 != 0 || len(c.Payload) > 4*MaxParams {
		return nil, fmt.Errorf("%w parameters: %d bytes", ErrMalformed, len(c.Payload))
	}
	p := make([]uint32, len(c.Payload)/4)
	for i := range p {
		p[i] = binary.LittleEndian.Uint32(c.Payload[4*i:])
	}
	return p, nil
}

// String names the container type ("response").
func (t ContainerType) String() string {
	switch t {
	case TypeCommand:
		return "command"
	case TypeData:
		return "data"
	case TypeResponse:
		return "response"
	case TypeEvent:
		return "event"
	}
	return fmt.Sprintf("container type %d", uint16(t))
}
