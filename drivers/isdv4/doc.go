// Package isdv4 drives Wacom ISDV4 serial digitisers, the pen sensors in tablet PCs and
// in many signature pads.
//
// The sensor talks 8N1 raw at 19200 baud (pen-only models) or 38400 (touch-capable
// models); a host that picks the wrong rate hears garbage or nothing, so [New] tries
// each rate in turn. Commands are single ASCII bytes: '0' stops sampling, '1' starts
// it, '*' asks for the pen sensor's ranges (an 11-byte reply: maximum x, y and
// pressure, tilt ranges, firmware version), '%' asks the touch sensor, '&' resets.
// Set-up is: stop, wait 250 ms for packets in flight, discard input, query, start.
//
// While sampling the pen sends 9-byte packets at about 130 per second: proximity (the
// pen is within range), tip (touching), two side buttons, x and y in hundredths of a
// millimetre, 10 bits of pressure and tilt. Every packet's first byte has bit 0x80 set
// and no data byte has it, so a reader that loses bytes resynchronises on the next
// header byte ([Scanner]). Bit 0x40 in the header marks a query reply, bit 0x10 touch
// data (skipped here).
//
// The driver never uses the modem lines (DTR, RTS): they fail on pseudo-terminals and
// on many USB-serial bridges. Package emu is an emulator on a real pseudo-terminal.
package isdv4
