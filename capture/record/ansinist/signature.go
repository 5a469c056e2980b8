package ansinist

import (
	"encoding/binary"
	"strconv"
)

// Signature representation types (8.004 SRT).
const (
	SignatureScanned           = 0 // uncompressed scanned image
	SignatureScannedCompressed = 1 // compressed scanned image (WSQ per ANSI/NIST)
	SignatureVector            = 2 // pen vectors
)

// Pen pressure values of a signature vector. 1–254 are increasing pressure.
const (
	PenUp        = 0   // the pen is lifted while moving to this point
	EndOfVectors = 255 // marks the last vector of the list
)

// Vector is one point of a vector signature, encoded in 5 bytes: X(2) Y(2) pressure(1),
// big-endian, measured from the upper left corner.
type Vector struct {
	X, Y     uint16
	Pressure uint8
}

// Signature is a Type-8 signature record: the 12-byte binary header
//
//	LEN(4) IDC(1) SIG(1) SRT(1) ISR(1) HLL(2) VLL(2)
//
// followed by a scanned image or by pen vectors.
type Signature struct {
	IDC            int
	Official       bool // SIG: false = the subject's signature, true = the official's
	Representation int  // SRT, see the Signature* constants
	NativeRes      bool // ISR, as for Type-4 (scanned forms only)
	Width, Height  int  // HLL, VLL in pixels (0 for vectors)
	Data           []byte
	Vectors        []Vector // for SignatureVector; the last one carries EndOfVectors
}

// Record encodes the signature.
func (s *Signature) Record() (*Record, error) {
	data := s.Data
	switch {
	case s.IDC < 0 || s.IDC > 255:
		return nil, errAt(ErrValue, 0, 8, 2, -1, "IDC %d does not fit a byte", s.IDC)
	case s.Representation < 0 || s.Representation > 2:
		return nil, errAt(ErrValue, 0, 8, 4, -1, "representation %d outside 0–2", s.Representation)
	case s.Width < 0 || s.Width > 0xFFFF || s.Height < 0 || s.Height > 0xFFFF:
		return nil, errAt(ErrValue, 0, 8, 6, -1, "image size %dx%d does not fit 16 bits", s.Width, s.Height)
	}
	if s.Representation == SignatureVector {
		if len(s.Vectors) == 0 || s.Vectors[len(s.Vectors)-1].Pressure != EndOfVectors {
			return nil, errAt(ErrValue, 0, 8, 8, -1, "vector list must end with a vector of pressure %d", EndOfVectors)
		}
		data = make([]byte, 0, 5*len(s.Vectors))
		for _, v := range s.Vectors {
			data = binary.BigEndian.AppendUint16(data, v.X)
			data = binary.BigEndian.AppendUint16(data, v.Y)
			data = append(data, v.Pressure)
		}
	} else if s.Representation == SignatureScanned && len(data) != s.Width*s.Height {
		return nil, errAt(ErrValue, 0, 8, 8, -1, "uncompressed image has %d bytes, %dx%d needs %d", len(data), s.Width, s.Height, s.Width*s.Height)
	}
	if data == nil {
		data = []byte{}
	}
	return &Record{Type: 8, Fields: []Field{
		TextField(1, "0"), TextField(2, strconv.Itoa(s.IDC)), TextField(3, boolDigit(s.Official)),
		TextField(4, strconv.Itoa(s.Representation)), TextField(5, boolDigit(s.NativeRes)),
		TextField(6, strconv.Itoa(s.Width)), TextField(7, strconv.Itoa(s.Height)), {Num: 8, Data: data},
	}}, nil
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// SignatureOf reads a Type-8 record, decoding vectors for SignatureVector.
func SignatureOf(r *Record) (*Signature, error) {
	if r.Type != 8 || len(r.Fields) != 8 {
		return nil, errAt(ErrValue, 0, r.Type, 0, -1, "not a Type-8 record")
	}
	num := func(n int) int { v, _ := r.Int(n); return v }
	s := &Signature{IDC: num(2), Official: num(3) == 1, Representation: num(4), NativeRes: num(5) == 1,
		Width: num(6), Height: num(7), Data: r.Data(8)}
	if s.Representation == SignatureVector {
		if len(s.Data)%5 != 0 {
			return nil, errAt(ErrValue, 0, 8, 8, -1, "vector data of %d bytes is not a multiple of 5", len(s.Data))
		}
		for p := 0; p < len(s.Data); p += 5 {
			s.Vectors = append(s.Vectors, Vector{X: binary.BigEndian.Uint16(s.Data[p:]), Y: binary.BigEndian.Uint16(s.Data[p+2:]), Pressure: s.Data[p+4]})
		}
	}
	return s, nil
}
