package emu

import (
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware/dfu"
)

// control answers a control transfer; d.mu held. It is the device's state machine.
func (d *Device) control(rType, req uint8, value uint16, data []byte) (int, error) {
	if rType == usb.DirIn && req == 6 { // GET_DESCRIPTOR
		return d.getDescriptor(value, data)
	}
	if rType&0x60 != usb.TypeClass {
		return 0, usb.ErrStall
	}
	if !d.dfuMode {
		return d.runtimeRequest(req, value)
	}
	switch req {
	case dfu.ReqDnload:
		return d.dnload(int(value), data)
	case dfu.ReqGetStatus:
		return copy(data, d.getStatus().Encode()), nil
	case dfu.ReqGetState:
		return copy(data, []byte{byte(d.state)}), nil
	case dfu.ReqClrStatus:
		if d.state != dfu.Error {
			return d.stall()
		}
		d.state, d.status, d.pending, d.nextBlk = dfu.Idle, dfu.OK, nil, 0
		return 0, nil
	case dfu.ReqAbort:
		return d.abort()
	case dfu.ReqUpload:
		return d.upload(data)
	}
	return d.stall()
}

func (d *Device) getDescriptor(value uint16, data []byte) (int, error) {
	switch value >> 8 {
	case 1:
		return copy(data, d.deviceDescriptor()), nil
	case 2:
		return copy(data, d.configDescriptor()), nil
	}
	return 0, usb.ErrStall
}

func (d *Device) runtimeRequest(req uint8, value uint16) (int, error) {
	switch req {
	case dfu.ReqDetach:
		d.state = dfu.AppDetach
		if d.cfg.WillDetach {
			d.enumerate(true)
		}
		return 0, nil
	case dfu.ReqGetStatus, dfu.ReqGetState:
		return 0, usb.ErrStall // this emulated run-time interface only detaches
	}
	return 0, usb.ErrStall
}

// stall fails the request and enters dfuERROR, as the specification asks.
func (d *Device) stall() (int, error) {
	d.state, d.status = dfu.Error, dfu.ErrStalledPkt
	return 0, usb.ErrStall
}

func (d *Device) dnload(block int, data []byte) (int, error) {
	if d.state != dfu.Idle && d.state != dfu.DnloadIdle {
		return d.stall()
	}
	if len(data) == 0 {
		if d.state != dfu.DnloadIdle {
			return d.stall()
		}
		d.state = dfu.ManifestSync
		return 0, nil
	}
	if len(data) > int(d.cfg.TransferSize) || block != d.nextBlk&0xffff || len(d.pending)+len(data) > d.cfg.Capacity {
		return d.stall()
	}
	if faulted, err := d.blockFault(block); faulted {
		return 0, err
	}
	if d.state == dfu.Idle {
		d.firmware = nil // erasing starts with the first block
	}
	d.pending = append(d.pending, data...)
	d.nextBlk++
	d.state = dfu.DnloadSync
	return len(data), nil
}

// blockFault fires an armed fault at this block; faulted reports whether it did.
func (d *Device) blockFault(block int) (faulted bool, err error) {
	if block != d.faultBlock {
		return false, nil
	}
	switch d.fault {
	case FaultStall:
		d.fault = NoFault
		_, err := d.stall()
		return true, err
	case FaultPower:
		d.fault = NoFault
		d.firmware, d.present = nil, false
		d.generation++
		return true, fmt.Errorf("emu: power lost: %w", usb.ErrNoDevice)
	case FaultWrite:
		d.fault = NoFault
		d.state, d.status = dfu.Error, dfu.ErrWrite // reported by the next GETSTATUS
		return true, nil
	}
	return false, nil
}

// getStatus advances the state machine as a real device does between polls.
func (d *Device) getStatus() dfu.Status {
	now := time.Now()
	poll := dfu.Status{Code: d.status, State: d.state, PollTimeout: d.cfg.PollTimeout}
	switch d.state {
	case dfu.DnloadSync:
		d.state, d.busyTill = dfu.DnBusy, now.Add(d.cfg.PollTimeout)
		poll.State = dfu.DnBusy
	case dfu.DnBusy:
		if now.Before(d.busyTill) {
			d.EarlyPolls++
			return poll
		}
		d.state = dfu.DnloadIdle
		poll.State = dfu.DnloadIdle
	case dfu.ManifestSync:
		d.state, d.busyTill = dfu.Manifest, now.Add(d.cfg.PollTimeout)
		poll.State = dfu.Manifest
	case dfu.Manifest:
		if now.Before(d.busyTill) {
			d.EarlyPolls++
			return poll
		}
		d.finishManifest()
		poll.State, poll.Code = d.state, d.status
	}
	return poll
}

// finishManifest commits or rejects the downloaded image; d.mu held.
func (d *Device) finishManifest() {
	if d.fault == FaultVerify {
		d.fault = NoFault
		d.state, d.status, d.pending = dfu.Error, dfu.ErrVerify, nil
		return
	}
	if _, ok := imageVersion(d.pending); !ok {
		d.state, d.status, d.pending = dfu.Error, dfu.ErrFirmware, nil
		return
	}
	d.firmware, d.pending, d.nextBlk = d.pending, nil, 0
	d.Downloads++
	d.state = dfu.ManifestWaitReset
	if d.cfg.ManifestationTolerant {
		d.state = dfu.Idle
	}
}

func (d *Device) abort() (int, error) {
	switch d.state {
	case dfu.Idle, dfu.DnloadSync, dfu.DnloadIdle, dfu.ManifestSync, dfu.UploadIdle:
		d.state, d.pending, d.nextBlk, d.upBlk = dfu.Idle, nil, 0, 0
		return 0, nil
	}
	return d.stall()
}

func (d *Device) upload(data []byte) (int, error) {
	if !d.cfg.CanUpload || (d.state != dfu.Idle && d.state != dfu.UploadIdle) {
		return d.stall()
	}
	off := d.upBlk * int(d.cfg.TransferSize)
	n := copy(data[:min(len(data), int(d.cfg.TransferSize))], d.firmware[min(off, len(d.firmware)):])
	d.upBlk++
	d.state = dfu.UploadIdle
	if n < int(d.cfg.TransferSize) {
		d.state, d.upBlk = dfu.Idle, 0
	}
	return n, nil
}
