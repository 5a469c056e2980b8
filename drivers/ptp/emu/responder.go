package emu

import (
	"encoding/binary"
	"fmt"

	"github.com/enrolld/enrolld/drivers/ptp"
)

// paramRange is the fewest and most parameters each operation takes.
var paramRange = map[ptp.OpCode][2]int{
	ptp.OpGetDeviceInfo: {0, 0}, ptp.OpOpenSession: {1, 1}, ptp.OpCloseSession: {0, 0},
	ptp.OpGetStorageIDs: {0, 0}, ptp.OpGetObjectHandles: {1, 3}, ptp.OpGetObjectInfo: {1, 1},
	ptp.OpGetObject: {1, 1}, ptp.OpDeleteObject: {1, 2}, ptp.OpInitiateCapture: {0, 2},
	ptp.OpGetDevicePropValue: {1, 1}, ptp.OpSetDevicePropValue: {1, 1},
	ptp.OpCanonSetPropValueEx: {0, 0}, ptp.OpCanonSetRemoteMode: {1, 1},
	ptp.OpCanonSetEventMode: {1, 1}, ptp.OpCanonGetViewFinderData: {3, 3},
}

// dataOut lists the operations whose data phase goes from host to camera.
var dataOut = map[ptp.OpCode]bool{ptp.OpSetDevicePropValue: true, ptp.OpCanonSetPropValueEx: true}

func (c *Camera) supports(op ptp.OpCode) bool {
	if _, ok := paramRange[op]; !ok {
		return false
	}
	if op == ptp.OpInitiateCapture && c.opts.NoInitiateCapture {
		return false
	}
	return !c.opts.NoLiveView || op < 0x9000
}

// command checks a command the way a camera does, then runs it or waits for its data
// phase. c.mu is held.
func (c *Camera) command(ct ptp.Container) {
	op := ptp.OpCode(ct.Code)
	params, err := ct.Params()
	if err != nil {
		c.violation("%v: %v", op, err)
		c.queueResponse(ptp.RespInvalidParameter, ct.TID, nil, false)
		return
	}
	if code, ok := c.check(op, ct.TID, params); !ok {
		c.log = append(c.log, fmt.Sprintf("%v tid=%d -> %v", op, ct.TID, code))
		c.queueResponse(code, ct.TID, nil, false)
		return
	}
	if dataOut[op] {
		c.pending = &pendingOut{op: op, tid: ct.TID, params: params}
		return
	}
	c.respond(op, ct.TID, params, nil)
}

// check validates the transaction id, the session state and the parameter count.
// c.mu is held.
func (c *Camera) check(op ptp.OpCode, tid uint32, params []uint32) (ptp.RespCode, bool) {
	if !c.supports(op) {
		return ptp.RespOperationNotSupported, false
	}
	switch {
	case op == ptp.OpOpenSession && tid != 0:
		c.violation("OpenSession with transaction id %d, want 0", tid)
		return ptp.RespInvalidTransactionID, false
	case op != ptp.OpOpenSession && c.session != 0 && tid != c.lastTID+1:
		c.violation("%v with transaction id %d, want %d", op, tid, c.lastTID+1)
		return ptp.RespInvalidTransactionID, false
	}
	if c.session != 0 && op != ptp.OpOpenSession {
		c.lastTID = tid
	}
	if c.session == 0 && op != ptp.OpGetDeviceInfo && op != ptp.OpOpenSession {
		c.violation("%v outside a session", op)
		return ptp.RespSessionNotOpen, false
	}
	if r := paramRange[op]; len(params) < r[0] || len(params) > r[1] {
		c.violation("%v with %d parameters, want %d..%d", op, len(params), r[0], r[1])
		return ptp.RespInvalidParameter, false
	}
	return ptp.RespOK, true
}

// finishDataOut runs the pending command with the data phase in c.out. c.mu is held.
func (c *Camera) finishDataOut() {
	p := c.pending
	ct, err := ptp.ParseContainer(c.out)
	c.pending, c.out = nil, nil
	if err != nil || ptp.OpCode(ct.Code) != p.op || ct.TID != p.tid {
		c.violation("data phase %#04x tid=%d does not belong to %v tid=%d", ct.Code, ct.TID, p.op, p.tid)
		c.queueResponse(ptp.RespGeneralError, p.tid, nil, false)
		return
	}
	c.respond(p.op, p.tid, p.params, ct.Payload)
}

// respond applies a pending fault, runs op and queues its data and response.
// c.mu is held.
func (c *Camera) respond(op ptp.OpCode, tid uint32, params []uint32, in []byte) {
	var fault Fault
	if len(c.faults) > 0 {
		fault, c.faults = c.faults[0], c.faults[1:]
	}
	switch fault {
	case FaultBusy:
		c.log = append(c.log, fmt.Sprintf("%v tid=%d -> DeviceBusy (injected)", op, tid))
		c.queueResponse(ptp.RespDeviceBusy, tid, nil, false)
		return
	case FaultTimeout:
		c.log = append(c.log, fmt.Sprintf("%v tid=%d -> no answer (injected)", op, tid))
		return
	case FaultStall:
		c.log = append(c.log, fmt.Sprintf("%v tid=%d -> stall (injected)", op, tid))
		c.stalledIn = true
		c.signal()
		return
	}
	code, rp, data := c.execute(op, tid, params, in)
	c.log = append(c.log, fmt.Sprintf("%v tid=%d -> %v", op, tid, code))
	if fault == FaultLate {
		c.late = ptp.NewParamContainer(ptp.TypeResponse, uint16(code), tid, rp...).Marshal()
		return
	}
	if data != nil && code == ptp.RespOK {
		c.queueData(op, tid, data)
	}
	c.queueResponse(code, tid, rp, fault == FaultMalformed)
}

// queueData splits a data container into packets, adding a zero-length packet when
// its length is a whole number of packets. c.mu is held.
func (c *Camera) queueData(op ptp.OpCode, tid uint32, payload []byte) {
	b := ptp.Container{Type: ptp.TypeData, Code: uint16(op), TID: tid, Payload: payload}.Marshal()
	mps := c.opts.MaxPacket
	for off := 0; off < len(b); off += mps {
		c.in = append(c.in, b[off:min(off+mps, len(b))])
	}
	if len(b)%mps == 0 {
		c.in = append(c.in, []byte{})
	}
	c.signal()
}

// queueResponse queues a response; malformed breaks its length field. c.mu is held.
func (c *Camera) queueResponse(code ptp.RespCode, tid uint32, params []uint32, malformed bool) {
	b := ptp.NewParamContainer(ptp.TypeResponse, uint16(code), tid, params...).Marshal()
	if malformed {
		binary.LittleEndian.PutUint32(b, 7)
	}
	c.in = append(c.in, b)
	c.signal()
}

// queueEvent queues an event on the interrupt endpoint. c.mu is held.
func (c *Camera) queueEvent(code ptp.EventCode, tid uint32, params ...uint32) {
	c.events = append(c.events, ptp.NewParamContainer(ptp.TypeEvent, uint16(code), tid, params...).Marshal())
	c.signal()
}
