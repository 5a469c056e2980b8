package emu

import (
	"encoding/binary"
	"slices"
	"strconv"
	"time"

	"github.com/enrolld/enrolld/drivers/ptp"
)

const (
	respDevicePropNotSupported ptp.RespCode = 0x200A
	storageID                  uint32       = 0x00010001
	evfBlockInfo               uint32       = 4 // a non-image block EOS bodies send too
)

// execute runs a checked operation. c.mu is held.
func (c *Camera) execute(op ptp.OpCode, tid uint32, p []uint32, in []byte) (ptp.RespCode, []uint32, []byte) {
	switch op {
	case ptp.OpGetDeviceInfo:
		return ptp.RespOK, nil, c.deviceInfo().Marshal()
	case ptp.OpOpenSession:
		if c.session != 0 {
			return ptp.RespSessionAlreadyOpen, []uint32{c.session}, nil
		}
		if p[0] == 0 {
			return ptp.RespInvalidParameter, nil, nil
		}
		c.session, c.lastTID = p[0], 0
		return ptp.RespOK, nil, nil
	case ptp.OpCloseSession:
		c.session, c.remote, c.evfOn = 0, false, false
		return ptp.RespOK, nil, nil
	case ptp.OpGetStorageIDs:
		return ptp.RespOK, nil, u32Array([]uint32{storageID})
	case ptp.OpGetObjectHandles:
		var hs []uint32
		for h := range c.objects {
			hs = append(hs, h)
		}
		return ptp.RespOK, nil, u32Array(hs)
	case ptp.OpGetObjectInfo, ptp.OpGetObject, ptp.OpDeleteObject:
		return c.objectOp(op, p[0])
	case ptp.OpInitiateCapture:
		return c.initiateCapture(tid)
	case ptp.OpGetDevicePropValue:
		v, ok := c.props[uint16(p[0])]
		if !ok {
			return respDevicePropNotSupported, nil, nil
		}
		return ptp.RespOK, nil, v
	case ptp.OpSetDevicePropValue:
		c.props[uint16(p[0])] = append([]byte(nil), in...)
		return ptp.RespOK, nil, nil
	case ptp.OpCanonSetRemoteMode:
		c.remote = p[0] != 0
		return ptp.RespOK, nil, nil
	case ptp.OpCanonSetEventMode:
		return ptp.RespOK, nil, nil
	case ptp.OpCanonSetPropValueEx:
		return c.setPropEx(in), nil, nil
	case ptp.OpCanonGetViewFinderData:
		return c.viewfinder()
	}
	return ptp.RespOperationNotSupported, nil, nil
}

func (c *Camera) deviceInfo() *ptp.DeviceInfo {
	ops := []uint16{}
	for op := range paramRange {
		if c.supports(op) {
			ops = append(ops, uint16(op))
		}
	}
	slices.Sort(ops)
	d := &ptp.DeviceInfo{
		StandardVersion: 100, FunctionalMode: 0,
		Operations:     ops,
		Events:         []uint16{uint16(ptp.EventObjectAdded), uint16(ptp.EventCaptureComplete)},
		CaptureFormats: []uint16{ptp.FormatEXIFJPEG}, ImageFormats: []uint16{ptp.FormatEXIFJPEG},
		Manufacturer: "enrolld", Model: "Virtual EOS", DeviceVersion: "1.0.0", SerialNumber: "EMU0001",
	}
	if c.opts.NoLiveView {
		d.Model = "Virtual Compact"
	} else {
		d.VendorExtensionID, d.VendorExtVersion, d.VendorExtDesc = ptp.VendorCanon, 100, "Canon EOS (emulated)"
	}
	return d
}

func (c *Camera) objectOp(op ptp.OpCode, h uint32) (ptp.RespCode, []uint32, []byte) {
	o, ok := c.objects[h]
	if !ok {
		return ptp.RespInvalidObjectHandle, nil, nil
	}
	switch op {
	case ptp.OpGetObjectInfo:
		return ptp.RespOK, nil, o.info.Marshal()
	case ptp.OpGetObject:
		return ptp.RespOK, nil, o.data
	}
	delete(c.objects, h)
	return ptp.RespOK, nil, nil
}

// initiateCapture takes the photo now and announces it after the shutter delay.
func (c *Camera) initiateCapture(tid uint32) (ptp.RespCode, []uint32, []byte) {
	img := c.still()
	h := c.nextHandle
	c.nextHandle++
	now := c.opts.Now().UTC().Format("20060102T150405")
	c.objects[h] = object{data: img, info: ptp.ObjectInfo{
		StorageID: storageID, Format: ptp.FormatEXIFJPEG, CompressedSize: uint32(len(img)),
		ImageWidth: uint32(c.opts.StillWidth), ImageHeight: uint32(c.opts.StillHeight), ImageBitDepth: 24,
		SequenceNumber: h, Filename: "IMG_" + strconv.Itoa(int(h)) + ".JPG", CaptureDate: now, ModificationDate: now,
	}}
	time.AfterFunc(c.opts.ShutterDelay, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.unplugged {
			return
		}
		c.queueEvent(ptp.EventObjectAdded, tid, h)
		c.queueEvent(ptp.EventCaptureComplete, tid, tid)
	})
	return ptp.RespOK, nil, nil
}

// setPropEx handles EOS SetDevicePropValueEx: {u32 size, u32 property, value}.
func (c *Camera) setPropEx(in []byte) ptp.RespCode {
	if len(in) < 12 || binary.LittleEndian.Uint32(in) != uint32(len(in)) {
		c.violation("SetDevicePropValueEx data % x", in)
		return ptp.RespInvalidParameter
	}
	prop, v := binary.LittleEndian.Uint32(in[4:]), binary.LittleEndian.Uint32(in[8:])
	if prop == ptp.PropCanonEVFOutput {
		if !c.remote {
			c.violation("viewfinder output set before SetRemoteMode")
			return ptp.RespGeneralError
		}
		c.evfOn = v&ptp.CanonEVFOutputPC != 0
	}
	return ptp.RespOK
}

// viewfinder serves one live-view frame, or "not ready" when the viewfinder is off or
// the next frame is not due yet.
func (c *Camera) viewfinder() (ptp.RespCode, []uint32, []byte) {
	now := c.opts.Now()
	if !c.evfOn {
		return ptp.RespCanonNotReady, nil, nil
	}
	if c.opts.FrameRate > 0 {
		// Frames fall due on a fixed grid, as a sensor's readout clock runs; a host
		// more than a frame late resynchronises the grid to now.
		if now.Before(c.nextFrame) {
			return ptp.RespCanonNotReady, nil, nil
		}
		period := time.Duration(float64(time.Second) / c.opts.FrameRate)
		c.nextFrame = c.nextFrame.Add(period)
		if now.Sub(c.nextFrame) > period {
			c.nextFrame = now.Add(period)
		}
	}
	frame := c.frame(now.Sub(c.start).Seconds())
	info := ptp.EVFBlock(evfBlockInfo, make([]byte, 8))
	return ptp.RespOK, nil, append(info, ptp.EVFBlock(1, frame)...)
}

func u32Array(v []uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(v)))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}
