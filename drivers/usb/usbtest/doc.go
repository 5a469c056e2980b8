// Package usbtest tests USB drivers without hardware, in three ways.
//
// # Transcripts: Record and Playback
//
// A USB driver's conversation with its device is a sequence of transfers: control
// transfers on endpoint 0 (an 8-byte setup packet, bmRequestType bRequest wValue
// wIndex wLength, and an optional data stage), and bulk or interrupt transfers on
// numbered endpoints (0x81 is endpoint 1 IN, device to host; 0x02 is endpoint 2 OUT).
// Record wraps a usb.Transport (real hardware or an emulator) and writes down every
// transfer: what was asked, what was sent, what came back and how it ended. Playback
// replays such a Transcript as a usb.Device, in the manner of periph.io's
// conntest.Playback: the driver under test must make exactly the recorded
// transfers, or it gets an error wrapping ErrUnexpected that names the step and what
// differed; Close fails with ErrUnconsumed when recorded transfers were not made.
//
//	rec := usbtest.NewRecord(emulator)        // or a real device
//	dev, err := mydriver.New(ctx, rec, nil)   // the driver talks through rec
//	…
//	rec.Transcript().WriteFile("testdata/session.txt")
//
//	pb := usbtest.OpenPlayback(t, "testdata/session.txt") // Close checked at cleanup
//	dev, err := mydriver.New(ctx, pb, nil)
//	…
//
// USB devices run several endpoints at once: a driver typically keeps an interrupt
// read pending while it writes registers over control transfers. A transcript lists
// transfers in the order they completed; Playback holds back a transfer until every
// transfer listed before it has been made, which reproduces the device's timing
// whatever order the driver's goroutines submit in.
//
// # The transcript text form
//
// One line per item; blank lines and lines starting with # are ignored. The first
// line is "usbtest-transcript v1". Then the device, as enumeration described it:
//
//	device id=05ba:000a bus=1 addr=4 port="1-2" bcdDevice=0104 bcdUSB=0200 class=00 subclass=00 protocol=00 maxpacket0=64 manufacturer="" product="U.are.U 4500" serial=""
//	config value=1
//	interface number=0 alt=0 class=ff subclass=ff protocol=ff
//	endpoint addr=81 attr=03 maxpacket=64 interval=1
//
// and then the transfers:
//
//	control type=c0 req=04 value=0007 index=0000 len=1 in=01
//	control type=40 req=04 value=0007 index=0000 out=81
//	read ep=81 len=64 in=56aa0000…
//	write ep=02 out=0a0b0c
//	read ep=82 len=512 in= err=timeout msg="libusb: timeout"
//	reset
//
// Register-like fields (ids, bmRequestType, bRequest, wValue, wIndex, endpoint
// addresses, attributes, classes, bcd numbers) and payloads are hex, as in the USB
// specification and lsusb; counts (bus, addr, len, maxpacket, interval, config
// value) are decimal; strings are Go-quoted. len is the number of bytes asked for
// (wLength, or the read buffer's size); in is what arrived. err is one of timeout,
// stall, nodevice, overflow, cancelled (the usb sentinels) or error, with the
// original message in msg. Optional start= and end= give when the transfer was
// submitted and completed (Go durations from the start of the recording).
//
// # usbmon captures and umockdev: the real libusb path
//
// Linux's usbmon sees every URB (USB request block) the kernel handles: one
// packet when it is submitted ('S') and one when it completes ('C'), each with a
// 64-byte header (URB id, transfer type, endpoint with its direction bit, bus and
// device number, the setup packet of a control transfer, status as a negative
// errno, lengths) followed by the data. Wireshark saves these as pcap files of
// link type 220, LINKTYPE_USB_LINUX_MMAPPED. WritePcap writes a transcript in
// that form and ReadPcap reads one back, so captures from real hardware become
// transcripts for Playback ("enrollctl usb transcript capture.pcap", package
// usbtool).
//
// umockdev replays such a capture to an unmodified libusb program: it fakes sysfs
// and udev from a device description (WriteUmockdevDevice writes one in
// umockdev-record's format, with the raw descriptors libusb reads), and answers
// the program's usbfs ioctls from the capture, strictly in order, comparing every
// setup packet and OUT payload. WriteReplay writes both files:
//
//	r, err := tr.WriteReplay(dir, "session")
//	// umockdev-run -d r.Device -p r.SysfsPath=r.Capture -- ./program
//
// What replays: control, bulk and interrupt transfers with their data, short
// reads, stalls (-EPIPE), overflows, a device gone (-ENODEV); transfers that
// timed out or were cancelled are written without a completion, so the replayed
// device never answers them and libusb times out or cancels again. A string
// descriptor exchange for each of the device's strings is written first; umockdev
// skips standard requests the program does not make. Not replayable: isochronous
// transfers, and transfers of more than 256 KiB (libpcap's packet limit).
//
// RunUnderUmockdev re-runs the current test in a child process under umockdev-run;
// package drivers/usb/libusb/umockdevtest wraps it and opens the replayed device
// through package libusb, which is what a driver's replay test uses (see that
// package for the example). Package loopdev is a complete example: an emulated
// vendor device, its driver, and tests through the emulator, Playback and libusb.
package usbtest
