package drivers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

// opened is the outcome of initialising one device.
type opened struct {
	dev     capture.Device
	closers []io.Closer
	kind    capture.Kind
	state   State
	reason  string
	// permanent marks a failure that trying again cannot mend: only a new
	// configuration or a new build can (the driver is not compiled in, the
	// configuration does not fit the driver).
	permanent bool
}

func failed(kind capture.Kind, format string, args ...any) opened {
	return opened{kind: kind, state: StateFailed, reason: fmt.Sprintf(format, args...)}
}

// failedForGood is failed for a permanent failure.
func failedForGood(kind capture.Kind, format string, args ...any) opened {
	r := failed(kind, format, args...)
	r.permanent = true
	return r
}

func skipped(kind capture.Kind, format string, args ...any) opened {
	return opened{kind: kind, state: StateSkipped, reason: fmt.Sprintf(format, args...)}
}

// release halts and closes what r opened.
func (r opened) release() {
	e := &entry{dev: r.dev, closers: r.closers}
	_ = e.release()
}

// errOpenTimeout is the cause of an open context that ran out of time.
var errOpenTimeout = errors.New("drivers: initialisation timed out")

// openWithin opens e's device within OpenTimeout. The context the driver and the
// emulator get is cancelled when the time is up or ctx ends while they are still
// opening, and otherwise stays valid after a successful open, so a driver may tie
// background work to it (Halt still has to stop that work). A driver that ignores
// its context does not hold up the daemon: its result is released whenever it comes.
func (m *Manager) openWithin(ctx context.Context, e *entry) opened {
	openCtx, cancel := context.WithCancelCause(withRegisterer(context.WithoutCancel(ctx), m.opts.Registerer))
	timer := time.AfterFunc(m.opts.OpenTimeout, func() { cancel(errOpenTimeout) })
	stopFollowing := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
	defer func() {
		timer.Stop()
		stopFollowing()
	}()
	done := make(chan opened, 1)
	go func() { done <- m.open(openCtx, e) }()
	select {
	case r := <-done:
		if r.state != StateLoaded {
			cancel(nil)
		}
		return r
	case <-openCtx.Done():
		go func() {
			r := <-done
			r.release()
			m.unclaim(e)
		}()
		if errors.Is(context.Cause(openCtx), errOpenTimeout) {
			return failed(e.status.Kind, "initialisation did not finish within %s", m.opts.OpenTimeout)
		}
		return failed(e.status.Kind, "initialisation cancelled: %v", context.Cause(openCtx))
	}
}

// open initialises the device e.spec names through its driver.
func (m *Manager) open(ctx context.Context, e *entry) opened {
	s := e.spec
	d, ok := m.opts.Registry.Driver(s.Driver)
	if !ok {
		return failedForGood(KindUnknown, "driver %q is not compiled into this build (drivers in this build: %s)",
			s.Driver, listOrNone(m.opts.Registry.Names()))
	}
	var r opened
	switch {
	case s.Emulate:
		r = m.openEmulated(ctx, d, s)
	case d.OpenUSB != nil:
		r = m.openUSB(ctx, d, e)
	case d.OpenSerial != nil:
		r = openSerial(ctx, d, s)
	default:
		r = openSDK(ctx, d, s)
	}
	if r.state == StateLoaded {
		if err := checkClass(d.Kind, r.dev); err != nil {
			r.release()
			m.unclaim(e)
			return failed(d.Kind, "%v", err)
		}
	}
	return r
}

// openEmulated starts the driver's emulator and opens it through the driver.
func (m *Manager) openEmulated(ctx context.Context, d Driver, s Spec) opened {
	em, ok := m.opts.Registry.Emulator(d.Name)
	if !ok {
		return failedForGood(d.Kind, "driver %q has no emulator in this build; set emulate: false", d.Name)
	}
	switch {
	case em.USB != nil && d.OpenUSB != nil:
		t, err := em.USB(ctx, s.Options)
		if err != nil {
			return failed(d.Kind, "starting the %s emulator: %v", d.Name, err)
		}
		dev, err := d.OpenUSB(ctx, t, s.Options)
		if err != nil {
			_ = t.Close()
			return failed(d.Kind, "%s (emulated): %v", d.Name, err)
		}
		return opened{dev: dev, closers: []io.Closer{t}, kind: d.Kind, state: StateLoaded}
	case em.Serial != nil && d.OpenSerial != nil:
		path, stop, err := em.Serial(ctx, s.Options)
		if err != nil {
			return failed(d.Kind, "starting the %s emulator: %v", d.Name, err)
		}
		dev, err := d.OpenSerial(ctx, path, s.Options)
		if err != nil {
			_ = stop.Close()
			return failed(d.Kind, "%s (emulated on %s): %v", d.Name, path, err)
		}
		return opened{dev: dev, closers: []io.Closer{stop}, kind: d.Kind, state: StateLoaded}
	}
	return failedForGood(d.Kind, "the emulator for %q does not fit its driver (one is USB, the other serial)", d.Name)
}

// openUSB finds a connected USB device the driver handles, claims it and opens it.
func (m *Manager) openUSB(ctx context.Context, d Driver, e *entry) opened {
	s := e.spec
	if s.Port != "" {
		return failedForGood(d.Kind, "driver %q drives USB devices; use usb: \"vvvv:pppp\" instead of port:", d.Name)
	}
	if m.opts.Bus == nil {
		return failedForGood(d.Kind, "USB hardware access is not in this build (enrolld was built without cgo and libusb)")
	}
	ids := d.USB
	if s.USB != (usb.ID{}) {
		ids = []usb.ID{s.USB}
	}
	descs, err := m.opts.Bus.Devices(ctx)
	if err != nil {
		return failed(d.Kind, "listing USB devices: %v", err)
	}
	desc, ok := m.claim(e, descs, ids)
	if !ok {
		return skipped(d.Kind, "no USB device %s is connected", joinIDs(ids))
	}
	t, err := m.opts.Bus.Open(ctx, desc)
	if err != nil {
		m.unclaim(e)
		if errors.Is(err, usb.ErrNoDevice) {
			return skipped(d.Kind, "%s went away while opening it", desc)
		}
		return failed(d.Kind, "opening %s: %v", desc, err)
	}
	dev, err := d.OpenUSB(ctx, t, s.Options)
	if err != nil {
		_ = t.Close()
		m.unclaim(e)
		return failed(d.Kind, "%s on %s: %v", d.Name, desc, err)
	}
	return opened{dev: dev, closers: []io.Closer{t}, kind: d.Kind, state: StateLoaded}
}

// claim picks the first device in descs with one of ids that no other entry holds,
// and marks it as e's.
func (m *Manager) claim(e *entry, descs []usb.DeviceDesc, ids []usb.ID) (usb.DeviceDesc, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	held := map[string]bool{}
	for _, o := range m.entries {
		if o.busKey != "" {
			held[o.busKey] = true
		}
	}
	for _, desc := range descs {
		key := fmt.Sprintf("%d/%d", desc.Bus, desc.Address)
		for _, id := range ids {
			if desc.ID == id && !held[key] {
				e.busKey = key
				return desc, true
			}
		}
	}
	return usb.DeviceDesc{}, false
}

// unclaim gives up the USB device e holds.
func (m *Manager) unclaim(e *entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.busKey = ""
}

// openSerial opens a serial device on the configured port.
func openSerial(ctx context.Context, d Driver, s Spec) opened {
	if s.USB != (usb.ID{}) {
		return failedForGood(d.Kind, "driver %q drives serial devices; use port: instead of usb:", d.Name)
	}
	if s.Port == "" {
		return failedForGood(d.Kind, "driver %q drives a serial device; set port: to its serial port, such as /dev/ttyS0", d.Name)
	}
	if _, err := os.Stat(s.Port); errors.Is(err, fs.ErrNotExist) {
		return skipped(d.Kind, "serial port %s does not exist", s.Port)
	}
	dev, err := d.OpenSerial(ctx, s.Port, s.Options)
	if err != nil {
		return failed(d.Kind, "%s on %s: %v", d.Name, s.Port, err)
	}
	return opened{dev: dev, kind: d.Kind, state: StateLoaded}
}

// openSDK opens a device through its vendor library.
func openSDK(ctx context.Context, d Driver, s Spec) opened {
	if s.USB != (usb.ID{}) || s.Port != "" {
		return failedForGood(d.Kind, "driver %q finds its device itself; remove usb: and port:", d.Name)
	}
	dev, err := d.OpenSDK(ctx, s.Options)
	if err != nil {
		return failed(d.Kind, "%s: %v", d.Name, err)
	}
	return opened{dev: dev, kind: d.Kind, state: StateLoaded}
}

// checkClass verifies that dev offers the interface of its device class.
func checkClass(k capture.Kind, dev capture.Device) error {
	ok := true
	switch k {
	case capture.KindFinger:
		_, ok = dev.(capture.FingerScanner)
	case capture.KindCamera:
		_, ok = dev.(capture.Camera)
	case capture.KindSignature:
		_, ok = dev.(capture.SignaturePad)
	}
	if !ok || dev == nil {
		return fmt.Errorf("drivers: driver returned %T, which is not a %s device", dev, k)
	}
	return nil
}

func joinIDs(ids []usb.ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	if len(s) == 0 {
		return "(the driver lists no ids)"
	}
	return strings.Join(s, " or ")
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
