package drivers

import (
	"io"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/usb"
)

// Spec names one device the station should have, as its configuration says.
type Spec struct {
	// Name is unique within the station ("finger", "camera"); it labels the device
	// in the API and logs.
	Name string
	// Driver is the registered driver's name.
	Driver string
	// USB selects a USB device by id; the zero ID means any id the driver handles.
	USB usb.ID
	// Port is the serial port of a serial device.
	Port string
	// Emulate runs the driver's registered emulator instead of real hardware.
	Emulate bool
	// Options are passed to the driver and the emulator.
	Options Options
}

// equal reports whether s and o describe the same device.
func (s Spec) equal(o Spec) bool {
	return s.Name == o.Name && s.Driver == o.Driver && s.USB == o.USB && s.Port == o.Port &&
		s.Emulate == o.Emulate && maps.Equal(s.Options, o.Options)
}

// State is where a device stands after initialisation.
type State string

// Device states.
const (
	// StatePending means the device has not been initialised yet.
	StatePending State = "pending"
	// StateLoaded means the driver opened the device and it is in use.
	StateLoaded State = "loaded"
	// StateSkipped means the device is not connected now (no matching USB device,
	// no such serial port); it is tried again on the next retry or reload.
	StateSkipped State = "skipped"
	// StateFailed means the device could not be opened: the driver or its emulator
	// is not in this build, the configuration does not fit the driver, or the
	// driver's probe failed.
	StateFailed State = "failed"
)

// KindUnknown labels a device whose driver is not in this build.
const KindUnknown capture.Kind = "unknown"

// DeviceStatus reports one configured device (never any person data).
type DeviceStatus struct {
	// Name, Driver and Emulated repeat the device's Spec.
	Name     string `json:"name"`
	Driver   string `json:"driver"`
	Emulated bool   `json:"emulated"`
	// Kind is the driver's device class, KindUnknown when the driver is not in
	// this build.
	Kind capture.Kind `json:"kind"`
	// State is pending, loaded, skipped or failed; Reason says why a device is
	// not loaded, in words a technician can act on.
	State  State  `json:"state"`
	Reason string `json:"reason,omitempty"`
	// Info describes a loaded device (model, serial number, firmware, path).
	Info *capture.Info `json:"info,omitempty"`
	// Since is when the device entered its state.
	Since time.Time `json:"since"`
}

// Change says what Apply did to one device.
type Change struct {
	// Action is "added", "removed", "reopened" (its configuration changed), "retried"
	// (it was not loaded and was tried again), "kept" (unchanged: loaded, or failed
	// in a way only a new configuration or build can mend) or, from
	// HandleUSBEvent, "lost".
	Action string
	Status DeviceStatus
}

// ManagerOptions configure a Manager. The zero value uses the Default registry, has
// no USB bus (so only emulated, serial and SDK devices open) and registers no metrics.
type ManagerOptions struct {
	// Registry holds the drivers and emulators; nil means Default.
	Registry *Registry
	// Bus enumerates and opens real USB devices; nil means USB hardware is not
	// available in this build (the libusb adapter needs cgo).
	Bus usb.Bus
	// Registerer receives the manager's metrics; nil means don't register.
	Registerer prometheus.Registerer
	// OpenTimeout bounds each device's initialisation; zero means 20 s.
	OpenTimeout time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Manager opens the devices a configuration names through the registry and keeps
// their state: loaded, skipped or failed, with a reason. Apply brings it to a new
// configuration (on start and on reload); Close halts every device.
type Manager struct {
	opts    ManagerOptions
	applyMu sync.Mutex // one Apply or Close at a time

	mu      sync.Mutex
	order   []string
	entries map[string]*entry
	errors  map[errorKey]uint64
}

// entry is one configured device and what was opened for it.
type entry struct {
	spec    Spec
	status  DeviceStatus
	dev     capture.Device
	closers []io.Closer // transports and emulators, closed in reverse order
	busKey  string      // "bus/address" of the real USB device it holds
	// permanent is set when the device failed in a way only a new configuration
	// or build can mend; Apply and Retry then keep it as it is.
	permanent bool
}

// NewManager returns a Manager with no devices; it registers the manager's metrics
// on opts.Registerer when set.
func NewManager(opts ManagerOptions) (*Manager, error) {
	if opts.Registry == nil {
		opts.Registry = Default
	}
	if opts.OpenTimeout <= 0 {
		opts.OpenTimeout = 20 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &Manager{opts: opts, entries: map[string]*entry{}, errors: map[errorKey]uint64{}}
	if opts.Registerer != nil {
		if err := opts.Registerer.Register(m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Devices returns the status of every configured device, in configuration order.
func (m *Manager) Devices() []DeviceStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]DeviceStatus, 0, len(m.order))
	for _, name := range m.order {
		out = append(out, m.entries[name].status)
	}
	return out
}

// Device returns the loaded device called name.
func (m *Manager) Device(name string) (capture.Device, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[name]
	if !ok || e.dev == nil {
		return nil, false
	}
	return e.dev, true
}

// Loaded returns the loaded devices of kind k, in configuration order.
func (m *Manager) Loaded(k capture.Kind) []capture.Device {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []capture.Device
	for _, name := range m.order {
		if e := m.entries[name]; e.dev != nil && e.status.Kind == k {
			out = append(out, e.dev)
		}
	}
	return out
}

// Close halts every device and releases its transport; the Manager then has no devices.
func (m *Manager) Close() error {
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	m.mu.Lock()
	all := slices.Collect(maps.Values(m.entries))
	m.entries, m.order = map[string]*entry{}, nil
	m.mu.Unlock()
	var first error
	for _, e := range all {
		if err := e.release(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
