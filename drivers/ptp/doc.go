// Package ptp is a Picture Transfer Protocol (ISO 15740, PIMA 15740) initiator: the
// protocol digital still cameras speak over USB, used here to take the applicant's photo.
//
// A PTP camera presents a USB interface of class 6 (still image), subclass 1, protocol 1
// with three endpoints: bulk OUT for commands and host-to-camera data, bulk IN for
// camera-to-host data and responses, and interrupt IN for events. Everything travels in
// containers: a 12-byte header (u32 length, u16 type, u16 code, u32 transaction id, all
// little-endian) and a payload. Type 1 is a command (an operation code and up to five
// u32 parameters), 2 data, 3 a response (a response code and up to five parameters), 4
// an event.
//
// A transaction is a command, an optional data phase in either direction with the same
// code and transaction id, and a response. A data phase may span many USB packets; the
// receiver knows it has ended when a packet shorter than the endpoint's maximum packet
// size arrives, so a data phase whose length is an exact multiple of the packet size is
// followed by a zero-length packet. Operations run inside a session (OpenSession with
// transaction id 0, then ids 1, 2, …). A camera that cannot take the operation now
// answers DeviceBusy and the initiator retries; other failures end the operation with a
// clear error. The class requests on endpoint 0 cancel a transaction, read the device
// status (which endpoints stalled) and reset the device.
//
// Taking a photograph: InitiateCapture; the camera signals ObjectAdded (with the new
// object's handle) and CaptureComplete on the interrupt endpoint; GetObjectInfo tells
// the format and size; GetObject downloads the JPEG; DeleteObject frees the card.
//
// Live view is not in the standard. This package implements Canon EOS live view:
// SetRemoteMode and SetEventMode after opening the session, switching the electronic
// viewfinder's output to the PC (SetDevicePropValueEx of property 0xD1B0 to 2), then
// polling GetViewFinderData (0x9153), which returns JPEG frames in small typed blocks or
// the Canon "not ready" response while no new frame exists. Cameras whose operations
// list lacks GetViewFinderData report capture.ErrNotSupported for live view.
//
// The driver speaks to a usb.Transport and never owns it. Package emu is a PTP responder
// with a synthetic face scene, for tests and demos.
package ptp
