// Package drivers holds the registry through which device drivers make themselves
// known, in the manner of periph's and node_exporter's registries: each driver package
// calls Register from init() with what it matches (USB vendor/product ids, or a serial
// port), and each emulator package calls RegisterEmulator. The daemon imports the
// packages it wants (blank imports in cmd/enrolld), then asks the registry to open
// what its configuration names.
//
// Three kinds of driver are first-class: USB drivers open a device over a
// usb.Transport, serial drivers open a port path, and SDK drivers (vendor libraries
// for enrollment-grade scanners that have no open protocol) open themselves.
package drivers

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

// Options are driver-specific settings from the configuration (string keys and values).
type Options map[string]string

// Driver describes one driver. Exactly one of OpenUSB, OpenSerial or OpenSDK is set.
type Driver struct {
	// Name is the driver's config name ("uru4000", "isdv4", "ptp").
	Name string
	// Kind is the device class the driver returns.
	Kind capture.Kind
	// USB lists the vendor/product ids a USB driver handles.
	USB []usb.ID
	// OpenUSB probes the device behind t and returns it. The driver does not own t.
	OpenUSB func(ctx context.Context, t usb.Transport, opts Options) (capture.Device, error)
	// OpenSerial opens the device on the serial port at path.
	OpenSerial func(ctx context.Context, path string, opts Options) (capture.Device, error)
	// OpenSDK opens a device through a vendor library.
	OpenSDK func(ctx context.Context, opts Options) (capture.Device, error)
}

// Emulator starts an emulated device that speaks the real protocol, for demos and tests.
// Exactly one of USB or Serial is set.
type Emulator struct {
	// Driver is the name of the driver that talks to this emulator.
	Driver string
	// USB starts the emulator and returns its transport; closing it stops the emulator.
	USB func(ctx context.Context, opts Options) (usb.Device, error)
	// Serial starts the emulator on a pseudo-terminal and returns the port path the
	// driver opens; closing the Closer stops the emulator.
	Serial func(ctx context.Context, opts Options) (path string, stop io.Closer, err error)
}

// Registry maps driver names to drivers and emulators. The zero value is empty and
// ready; Default is the process-wide registry drivers add themselves to in init().
type Registry struct {
	mu        sync.RWMutex
	drivers   map[string]Driver
	emulators map[string]Emulator
}

// Default is the registry driver packages register with from init().
var Default = &Registry{}

// Register adds d to the Default registry; it panics on a duplicate or malformed
// driver, which is a programming error caught at start-up.
func Register(d Driver) { Default.Register(d) }

// RegisterEmulator adds e to the Default registry.
func RegisterEmulator(e Emulator) { Default.RegisterEmulator(e) }

// Register adds d; it panics on a duplicate name or a driver with no open function.
func (r *Registry) Register(d Driver) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.drivers == nil {
		r.drivers = map[string]Driver{}
	}
	if _, dup := r.drivers[d.Name]; dup {
		panic(fmt.Sprintf("drivers: driver %q registered twice", d.Name))
	}
	if countSet(d.OpenUSB != nil, d.OpenSerial != nil, d.OpenSDK != nil) != 1 {
		panic(fmt.Sprintf("drivers: driver %q needs exactly one open function", d.Name))
	}
	r.drivers[d.Name] = d
}

// RegisterEmulator adds e; it panics on a duplicate.
func (r *Registry) RegisterEmulator(e Emulator) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.emulators == nil {
		r.emulators = map[string]Emulator{}
	}
	if _, dup := r.emulators[e.Driver]; dup {
		panic(fmt.Sprintf("drivers: emulator for %q registered twice", e.Driver))
	}
	r.emulators[e.Driver] = e
}

// Driver returns the driver called name.
func (r *Registry) Driver(name string) (Driver, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.drivers[name]
	return d, ok
}

// Emulator returns the emulator for the driver called name.
func (r *Registry) Emulator(name string) (Emulator, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.emulators[name]
	return e, ok
}

// MatchUSB returns the driver that handles id, if any.
func (r *Registry) MatchUSB(id usb.ID) (Driver, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, d := range r.drivers {
		for _, m := range d.USB {
			if m == id {
				return d, true
			}
		}
	}
	return Driver{}, false
}

// Names lists the registered drivers, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.drivers))
	for n := range r.drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func countSet(flags ...bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}
