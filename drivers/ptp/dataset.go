package ptp

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// DeviceInfo is the GetDeviceInfo dataset.
type DeviceInfo struct {
	StandardVersion   uint16
	VendorExtensionID uint32
	VendorExtVersion  uint16
	VendorExtDesc     string
	FunctionalMode    uint16
	Operations        []uint16
	Events            []uint16
	DeviceProps       []uint16
	CaptureFormats    []uint16
	ImageFormats      []uint16
	Manufacturer      string
	Model             string
	DeviceVersion     string
	SerialNumber      string
}

// Supports reports whether the camera lists op among its operations.
func (d *DeviceInfo) Supports(op OpCode) bool { return slices.Contains(d.Operations, uint16(op)) }

// ParseDeviceInfo decodes a DeviceInfo dataset.
func ParseDeviceInfo(b []byte) (*DeviceInfo, error) {
	r := &reader{b: b, what: "DeviceInfo"}
	d := &DeviceInfo{
		StandardVersion:   r.u16("StandardVersion"),
		VendorExtensionID: r.u32("VendorExtensionID"),
		VendorExtVersion:  r.u16("VendorExtensionVersion"),
		VendorExtDesc:     r.str("VendorExtensionDesc"),
		FunctionalMode:    r.u16("FunctionalMode"),
		Operations:        r.u16s("OperationsSupported"),
		Events:            r.u16s("EventsSupported"),
		DeviceProps:       r.u16s("DevicePropertiesSupported"),
		CaptureFormats:    r.u16s("CaptureFormats"),
		ImageFormats:      r.u16s("ImageFormats"),
		Manufacturer:      r.str("Manufacturer"),
		Model:             r.str("Model"),
		DeviceVersion:     r.str("DeviceVersion"),
		SerialNumber:      r.str("SerialNumber"),
	}
	return d, r.err
}

// Marshal encodes the dataset (the responder's side).
func (d *DeviceInfo) Marshal() []byte {
	w := &writer{}
	w.u16(d.StandardVersion)
	w.u32(d.VendorExtensionID)
	w.u16(d.VendorExtVersion)
	w.str(d.VendorExtDesc)
	w.u16(d.FunctionalMode)
	for _, a := range [][]uint16{d.Operations, d.Events, d.DeviceProps, d.CaptureFormats, d.ImageFormats} {
		w.u16s(a)
	}
	for _, s := range []string{d.Manufacturer, d.Model, d.DeviceVersion, d.SerialNumber} {
		w.str(s)
	}
	return w.b
}

// ObjectInfo is the GetObjectInfo dataset.
type ObjectInfo struct {
	StorageID           uint32
	Format              uint16
	ProtectionStatus    uint16
	CompressedSize      uint32
	ThumbFormat         uint16
	ThumbCompressedSize uint32
	ThumbWidth          uint32
	ThumbHeight         uint32
	ImageWidth          uint32
	ImageHeight         uint32
	ImageBitDepth       uint32
	ParentObject        uint32
	AssociationType     uint16
	AssociationDesc     uint32
	SequenceNumber      uint32
	Filename            string
	CaptureDate         string // "YYYYMMDDThhmmss"
	ModificationDate    string
	Keywords            string
}

// ParseObjectInfo decodes an ObjectInfo dataset.
func ParseObjectInfo(b []byte) (*ObjectInfo, error) {
	r := &reader{b: b, what: "ObjectInfo"}
	o := &ObjectInfo{
		StorageID: r.u32("StorageID"), Format: r.u16("ObjectFormat"), ProtectionStatus: r.u16("ProtectionStatus"),
		CompressedSize: r.u32("ObjectCompressedSize"), ThumbFormat: r.u16("ThumbFormat"),
		ThumbCompressedSize: r.u32("ThumbCompressedSize"), ThumbWidth: r.u32("ThumbPixWidth"),
		ThumbHeight: r.u32("ThumbPixHeight"), ImageWidth: r.u32("ImagePixWidth"),
		ImageHeight: r.u32("ImagePixHeight"), ImageBitDepth: r.u32("ImageBitDepth"),
		ParentObject: r.u32("ParentObject"), AssociationType: r.u16("AssociationType"),
		AssociationDesc: r.u32("AssociationDesc"), SequenceNumber: r.u32("SequenceNumber"),
		Filename: r.str("Filename"), CaptureDate: r.str("CaptureDate"),
		ModificationDate: r.str("ModificationDate"), Keywords: r.str("Keywords"),
	}
	return o, r.err
}

// Marshal encodes the dataset.
func (o *ObjectInfo) Marshal() []byte {
	w := &writer{}
	w.u32(o.StorageID)
	w.u16(o.Format)
	w.u16(o.ProtectionStatus)
	w.u32(o.CompressedSize)
	w.u16(o.ThumbFormat)
	for _, v := range []uint32{o.ThumbCompressedSize, o.ThumbWidth, o.ThumbHeight, o.ImageWidth, o.ImageHeight, o.ImageBitDepth, o.ParentObject} {
		w.u32(v)
	}
	w.u16(o.AssociationType)
	w.u32(o.AssociationDesc)
	w.u32(o.SequenceNumber)
	for _, s := range []string{o.Filename, o.CaptureDate, o.ModificationDate, o.Keywords} {
		w.str(s)
	}
	return w.b
}

// ParseEVFData finds the JPEG frame in a Canon EOS GetViewFinderData data phase: a run
// of blocks, each a u32 length (including its 8-byte header), a u32 type and the body;
// type 1 (or 0x11 on later bodies) is a JPEG image.
func ParseEVFData(b []byte) ([]byte, error) {
	for off := 0; off < len(b); {
		if len(b)-off < 8 {
			return nil, fmt.Errorf("%w viewfinder data: %d stray bytes at %d", ErrMalformed, len(b)-off, off)
		}
		n := binary.LittleEndian.Uint32(b[off:])
		t := binary.LittleEndian.Uint32(b[off+4:])
		if n < 8 || uint64(n) > uint64(len(b)-off) {
			return nil, fmt.Errorf("%w viewfinder data: block at %d claims %d bytes, %d left", ErrMalformed, off, n, len(b)-off)
		}
		if t == canonEVFBlockJPEG || t == canonEVFBlockJPEG2 {
			return b[off+8 : off+int(n)], nil
		}
		off += int(n)
	}
	return nil, fmt.Errorf("%w viewfinder data: no JPEG block in %d bytes", ErrMalformed, len(b))
}

// EVFBlock encodes one viewfinder data block (the responder's side).
func EVFBlock(typ uint32, body []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(8+len(body)))
	b = binary.LittleEndian.AppendUint32(b, typ)
	return append(b, body...)
}

// DeviceStatus is the answer to the Get Device Status class request.
type DeviceStatus struct {
	Code      RespCode
	HaltedEPs []uint8 // endpoint addresses the camera stalled
}

// ParseDeviceStatus decodes the class request's data: u16 length, u16 code, then u32
// endpoint addresses.
func ParseDeviceStatus(b []byte) (DeviceStatus, error) {
	r := &reader{b: b, what: "device status"}
	n := int(r.u16("wLength"))
	code := RespCode(r.u16("Code"))
	if r.err == nil && (n < 4 || n > len(b) || (n-4)%4 != 0) {
		return DeviceStatus{}, fmt.Errorf("%w device status: length %d of %d bytes", ErrMalformed, n, len(b))
	}
	s := DeviceStatus{Code: code}
	for r.err == nil && r.off < n {
		s.HaltedEPs = append(s.HaltedEPs, uint8(r.u32("endpoint")))
	}
	return s, r.err
}

// Marshal encodes the status.
func (s DeviceStatus) Marshal() []byte {
	w := &writer{}
	w.u16(uint16(4 + 4*len(s.HaltedEPs)))
	w.u16(uint16(s.Code))
	for _, ep := range s.HaltedEPs {
		w.u32(uint32(ep))
	}
	return w.b
}
